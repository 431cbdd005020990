// OpenBLAS's own cblas.h (pkg-config "openblas" adds its include directory).
#include <cblas.h>
