// Snappy's C interface (Debian's libsnappy-dev), for the Snappy-compressed bodies of Loki's push.
#include <snappy-c.h>
