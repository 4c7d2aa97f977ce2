# Writes OUT: `std::string_view NS::FN()` returning the text of IN.
file(READ ${IN} text)
file(WRITE ${OUT} "#include <string_view>\n\nnamespace ${NS} {\n\nstd::string_view ${FN}() {\n  static constexpr char kText[] = R\"ccms_text(${text})ccms_text\";\n  return {kText, sizeof(kText) - 1};\n}\n\n}  // namespace ${NS}\n")
