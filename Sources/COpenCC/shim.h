// OpenCC (libopencc-dev): Simplified -> Traditional Chinese conversion, phrases included; its C API.
#include <opencc/opencc.h>
