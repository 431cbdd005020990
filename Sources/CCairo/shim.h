// Cairo (libcairo2-dev): anti-aliased vector drawing and text (FreeType + fontconfig) into memory.
#include <cairo/cairo.h>
