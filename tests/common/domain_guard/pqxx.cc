// Domain guard probe: must not compile with a domain library's flags.
#include <pqxx/pqxx>
