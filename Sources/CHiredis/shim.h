// hiredis (Debian's libhiredis-dev), the C Redis client Logsmith's Redis client is built on.
#include <hiredis/hiredis.h>
