// libpq, PostgreSQL's client library (Debian: libpq-dev; `pkg-config libpq` gives the
// include directory).
#include <libpq-fe.h>
