// libcmark (libcmark-dev): the CommonMark reference parser.
#include <cmark.h>
