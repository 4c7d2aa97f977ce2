# Writes OUT: a C++ file defining ccms::assessment::EmbeddedInstruments(), the instrument files
# FILES (services/assessment/instruments/*.yaml) compiled in with their file names.
set(body "#include \"services/assessment/instrument_catalog.h\"\n\nnamespace ccms::assessment {\n\nconst std::vector<EmbeddedFile>& EmbeddedInstruments() {\n  static const std::vector<EmbeddedFile> kFiles = {\n")
separate_arguments(FILES)
foreach(f ${FILES})
  get_filename_component(name ${f} NAME)
  file(READ ${f} text)
  string(APPEND body "      {\"${name}\", R\"ccms_yaml(${text})ccms_yaml\"},\n")
endforeach()
string(APPEND body "  };\n  return kFiles;\n}\n\n}  // namespace ccms::assessment\n")
file(WRITE ${OUT} "${body}")
