// zlib: gzip-compressed IDX files (zlib1g-dev comes with libpng-dev).
#include <zlib.h>
