#include "PNGCodec.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct {
    uint8_t *data;
    size_t size, capacity;
    int failed;
} Buffer;

typedef struct {
    char *message;
    size_t size;
} ErrorSink;

static void on_error(png_structp png, png_const_charp message) {
    ErrorSink *sink = (ErrorSink *)png_get_error_ptr(png);
    if (sink && sink->message) snprintf(sink->message, sink->size, "libpng: %s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static void write_bytes(png_structp png, png_bytep bytes, png_size_t length) {
    Buffer *buffer = (Buffer *)png_get_io_ptr(png);
    if (buffer->failed) return;
    if (buffer->size + length > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity * 2 : 65536;
        while (capacity < buffer->size + length) capacity *= 2;
        uint8_t *grown = realloc(buffer->data, capacity);
        if (!grown) { buffer->failed = 1; png_error(png, "out of memory"); return; }
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->size, bytes, length);
    buffer->size += length;
}

static void flush_bytes(png_structp png) { (void)png; }

int png_codec_encode(const uint8_t *pixels, int width, int height, int channels,
                     const char *const *text_keys, const char *const *text_values, int text_count,
                     uint8_t **out, size_t *out_size, char *error, size_t error_size) {
    ErrorSink sink = {error, error_size};
    if (channels != 1 && channels != 3 && channels != 4) {
        snprintf(error, error_size, "unsupported channel count %d (1, 3 or 4)", channels);
        return -1;
    }
    // Everything changed between setjmp and a longjmp from libpng is either volatile (rows, texts)
    // or lives on the heap (the output buffer, grown by write_bytes): a plain local would have an
    // indeterminate value in the error branch, and freeing it could free garbage.
    Buffer *buffer = calloc(1, sizeof(Buffer));
    if (!buffer) { snprintf(error, error_size, "out of memory"); return -1; }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (!png) { free(buffer); snprintf(error, error_size, "libpng: cannot create a writer"); return -1; }
    png_infop info = png_create_info_struct(png);
    png_bytep *volatile rows = NULL;
    png_textp volatile texts = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        if (!info) snprintf(error, error_size, "libpng: cannot create an info struct");
        png_destroy_write_struct(&png, &info);
        free(buffer->data);
        free(buffer);
        free(rows);
        free(texts);
        return -1;
    }
    png_set_write_fn(png, buffer, write_bytes, flush_bytes);
    int type = channels == 1 ? PNG_COLOR_TYPE_GRAY : channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGBA;
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    // Fixed compression settings: the same pixels give the same bytes every time.
    png_set_compression_level(png, 6);
    if (text_count > 0) {
        texts = calloc((size_t)text_count, sizeof(png_text));
        if (!texts) png_error(png, "out of memory");
        for (int i = 0; i < text_count; i++) {
            texts[i].compression = PNG_TEXT_COMPRESSION_NONE;
            texts[i].key = (png_charp)text_keys[i];
            texts[i].text = (png_charp)text_values[i];
        }
        png_set_text(png, info, texts, text_count);
    }
    rows = malloc(sizeof(png_bytep) * (size_t)height);
    if (!rows) png_error(png, "out of memory");
    for (int y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * (size_t)width * (size_t)channels);
    png_set_rows(png, info, rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    free(texts);
    *out = buffer->data;
    *out_size = buffer->size;
    free(buffer);
    return 0;
}

typedef struct {
    const uint8_t *data;
    size_t size, offset;
} Reader;

static void read_bytes(png_structp png, png_bytep bytes, png_size_t length) {
    Reader *reader = (Reader *)png_get_io_ptr(png);
    if (reader->offset + length > reader->size) png_error(png, "file is truncated");
    memcpy(bytes, reader->data + reader->offset, length);
    reader->offset += length;
}

int png_codec_decode(const uint8_t *data, size_t size, uint8_t **pixels, int *width, int *height,
                     int *channels, char *error, size_t error_size) {
    ErrorSink sink = {error, error_size};
    if (size < 8 || png_sig_cmp(data, 0, 8)) { snprintf(error, error_size, "not a PNG file (bad signature)"); return -1; }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (!png) { snprintf(error, error_size, "libpng: cannot create a reader"); return -1; }
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile result = NULL;
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(result);
        free(rows);
        return -1;
    }
    Reader reader = {data, size, 0};
    png_set_read_fn(png, &reader, read_bytes);
    // A header may claim any size up to 2^31 a side; refuse what no figure needs before allocating.
    png_set_user_limits(png, PNG_CODEC_MAX_SIDE, PNG_CODEC_MAX_SIDE);
    png_read_info(png, info);
    png_set_expand(png);
    png_set_strip_16(png);
    int type = png_get_color_type(png, info);
    if (type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int w = (int)png_get_image_width(png, info), h = (int)png_get_image_height(png, info);
    int c = png_get_channels(png, info);
    size_t stride = png_get_rowbytes(png, info);
    if (w <= 0 || h <= 0 || stride == 0 || stride * (size_t)h > PNG_CODEC_MAX_BYTES)
        png_error(png, "image too large to decode");
    result = malloc(stride * (size_t)h);
    rows = malloc(sizeof(png_bytep) * (size_t)h);
    if (!result || !rows) png_error(png, "out of memory");
    for (int y = 0; y < h; y++) rows[y] = result + (size_t)y * stride;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    *pixels = result;
    *width = w;
    *height = h;
    *channels = c;
    return 0;
}

void png_codec_free(void *pointer) { free(pointer); }

uint32_t png_codec_crc32(uint32_t crc, const uint8_t *bytes, size_t size) { return (uint32_t)crc32(crc, bytes, (uInt)size); }
