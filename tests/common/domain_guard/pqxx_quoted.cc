// Domain guard probe: must not compile with a domain library's flags (quoted form).
#include "pqxx/transaction"
