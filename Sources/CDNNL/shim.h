// oneDNN (Debian's libdnnl-dev 2.6, C API), and one helper that builds a convolution primitive
// from plain shapes: the C API describes tensors through structs and out-parameters that are
// clearer in C than through Swift's imported tuples.
#include <oneapi/dnnl/dnnl.h>
#include <string.h>

// libgomp's, from <omp.h> (GCC's include directory, which clang does not search): Debian builds
// oneDNN on OpenMP, whose thread count is set per calling thread.
void omp_set_num_threads(int count);

/// A forward convolution over NHWC activations (Keras' layout, read and written in place) with
/// an optional bias and an optional ReLU applied to the output (a post-op: fused). The kernel
/// arrives in Keras' HWIO layout and is reordered into the layout oneDNN's kernel chose ("any":
/// blocked for its vector width) before each run; it is small (18,432 values for 32 -> 64).
/// The user-facing memory objects have no buffer: the run sets each one's handle.
typedef struct {
    dnnl_primitive_t primitive, reorder;
    dnnl_memory_t source, user_weights, weights, bias, destination;
    const char *implementation;  // oneDNN's name for the kernel it chose, e.g. "brgconv:avx512_core"
} cnn_dnnl_convolution;

static inline dnnl_status_t cnn_dnnl_convolution_create(
        cnn_dnnl_convolution *conv, dnnl_engine_t engine, int inference,
        int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
        int stride_y, int stride_x, int top, int left, int bottom, int right, int has_bias, int relu) {
    dnnl_memory_desc_t src, wei, bia, dst;
    dnnl_dims_t src_dims = {n, c, h, w}, wei_dims = {f, c, kh, kw}, bia_dims = {f}, dst_dims = {n, f, oh, ow};
    dnnl_dims_t strides = {stride_y, stride_x}, pad_l = {top, left}, pad_r = {bottom, right};
    dnnl_status_t s;
    if ((s = dnnl_memory_desc_init_by_tag(&src, 4, src_dims, dnnl_f32, dnnl_nhwc))) return s;
    dnnl_memory_desc_t hwio;
    if ((s = dnnl_memory_desc_init_by_tag(&hwio, 4, wei_dims, dnnl_f32, dnnl_hwio))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&wei, 4, wei_dims, dnnl_f32, dnnl_format_tag_any))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&bia, 1, bia_dims, dnnl_f32, dnnl_x))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&dst, 4, dst_dims, dnnl_f32, dnnl_nhwc))) return s;
    dnnl_convolution_desc_t desc;
    if ((s = dnnl_convolution_forward_desc_init(&desc, inference ? dnnl_forward_inference : dnnl_forward_training,
            dnnl_convolution_direct, &src, &wei, has_bias ? &bia : NULL, &dst, strides, pad_l, pad_r))) return s;
    dnnl_primitive_attr_t attr;
    if ((s = dnnl_primitive_attr_create(&attr))) return s;
    if (relu) {
        dnnl_post_ops_t ops;
        dnnl_post_ops_create(&ops);
        dnnl_post_ops_append_eltwise(ops, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
        dnnl_primitive_attr_set_post_ops(attr, ops);
        dnnl_post_ops_destroy(ops);
    }
    dnnl_primitive_desc_t pd;
    s = dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (s) return s;
    conv->implementation = "";
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &conv->implementation);
    if ((s = dnnl_primitive_create(&conv->primitive, pd))) { dnnl_primitive_desc_destroy(pd); return s; }
    const dnnl_memory_desc_t *chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_primitive_desc_t reorder_pd;
    s = dnnl_reorder_primitive_desc_create(&reorder_pd, &hwio, engine, chosen, engine, NULL);
    if (!s) {
        s = dnnl_primitive_create(&conv->reorder, reorder_pd);
        dnnl_primitive_desc_destroy(reorder_pd);
    }
    if (!s) s = dnnl_memory_create(&conv->weights, chosen, engine, DNNL_MEMORY_ALLOCATE);
    dnnl_primitive_desc_destroy(pd);
    if (s) return s;
    dnnl_memory_create(&conv->source, &src, engine, DNNL_MEMORY_NONE);
    dnnl_memory_create(&conv->user_weights, &hwio, engine, DNNL_MEMORY_NONE);
    dnnl_memory_create(&conv->bias, &bia, engine, DNNL_MEMORY_NONE);
    dnnl_memory_create(&conv->destination, &dst, engine, DNNL_MEMORY_NONE);
    return dnnl_success;
}

/// Runs the convolution on the given buffers (kernel in HWIO) and waits for it.
static inline dnnl_status_t cnn_dnnl_convolution_run(const cnn_dnnl_convolution *conv, dnnl_stream_t stream,
        const float *x, const float *kernel, const float *bias, float *y) {
    dnnl_status_t s;
    dnnl_memory_set_data_handle(conv->user_weights, (void *)kernel);
    dnnl_exec_arg_t reorder_args[2] = {{DNNL_ARG_FROM, conv->user_weights}, {DNNL_ARG_TO, conv->weights}};
    if ((s = dnnl_primitive_execute(conv->reorder, stream, 2, reorder_args))) return s;
    dnnl_memory_set_data_handle(conv->source, (void *)x);
    dnnl_memory_set_data_handle(conv->destination, y);
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, conv->source}, {DNNL_ARG_WEIGHTS, conv->weights},
                               {DNNL_ARG_DST, conv->destination}, {DNNL_ARG_BIAS, conv->bias}};
    int count = 3;
    if (bias) { dnnl_memory_set_data_handle(conv->bias, (void *)bias); count = 4; }
    if ((s = dnnl_primitive_execute(conv->primitive, stream, count, args))) return s;
    return dnnl_stream_wait(stream);
}

static inline void cnn_dnnl_convolution_destroy(cnn_dnnl_convolution *conv) {
    dnnl_primitive_destroy(conv->primitive);
    dnnl_primitive_destroy(conv->reorder);
    dnnl_memory_destroy(conv->source);
    dnnl_memory_destroy(conv->user_weights);
    dnnl_memory_destroy(conv->weights);
    dnnl_memory_destroy(conv->bias);
    dnnl_memory_destroy(conv->destination);
}

/// Both backward passes of a convolution (same shapes and layouts as the forward one, no bias:
/// the caller sums dL/dz for the bias): dL/dkernel from x and dL/dz, written back in HWIO, and,
/// when asked, dL/dx from dL/dz and the kernel.
typedef struct {
    dnnl_primitive_t data, weights, kernel_reorder, gradient_reorder;
    dnnl_memory_t source, output_gradient, input_gradient, user_kernel, kernel, kernel_gradient, user_kernel_gradient;
    int has_data;
    const char *implementation_data, *implementation_weights;
} cnn_dnnl_convolution_backward;

static inline dnnl_status_t cnn_dnnl_reorder(dnnl_primitive_t *reorder, const dnnl_memory_desc_t *from,
                                             const dnnl_memory_desc_t *to, dnnl_engine_t engine) {
    dnnl_primitive_desc_t pd;
    dnnl_status_t s = dnnl_reorder_primitive_desc_create(&pd, from, engine, to, engine, NULL);
    if (s) return s;
    s = dnnl_primitive_create(reorder, pd);
    dnnl_primitive_desc_destroy(pd);
    return s;
}

/// The first implementation of `op_desc` whose name does not start with `avoid` (NULL: the first
/// of all), as dnnl_primitive_desc_create picks the first; dnnl_unimplemented when none is left.
static inline dnnl_status_t cnn_dnnl_primitive_desc_avoiding(dnnl_primitive_desc_t *pd, const_dnnl_op_desc_t op_desc,
        dnnl_engine_t engine, const_dnnl_primitive_desc_t hint, const char *avoid) {
    if (!avoid) return dnnl_primitive_desc_create(pd, op_desc, NULL, engine, hint);
    dnnl_primitive_desc_iterator_t it;
    dnnl_status_t s = dnnl_primitive_desc_iterator_create(&it, op_desc, NULL, engine, hint);
    if (s) return s;
    *pd = NULL;
    do {
        dnnl_primitive_desc_t candidate = dnnl_primitive_desc_iterator_fetch(it);
        if (!candidate) break;
        const char *name = "";
        dnnl_primitive_desc_query(candidate, dnnl_query_impl_info_str, 0, &name);
        if (strncmp(name, avoid, strlen(avoid)) != 0) { *pd = candidate; break; }
        dnnl_primitive_desc_destroy(candidate);
    } while (dnnl_primitive_desc_iterator_next(it) == dnnl_success);
    dnnl_primitive_desc_iterator_destroy(it);
    return *pd ? dnnl_success : dnnl_unimplemented;
}

static inline dnnl_status_t cnn_dnnl_convolution_backward_create(
        cnn_dnnl_convolution_backward *conv, dnnl_engine_t engine, int need_data,
        int n, int h, int w, int c, int kh, int kw, int f, int oh, int ow,
        int stride_y, int stride_x, int top, int left, int bottom, int right) {
    dnnl_memory_desc_t src, any, hwio, dst;
    dnnl_dims_t src_dims = {n, c, h, w}, wei_dims = {f, c, kh, kw}, dst_dims = {n, f, oh, ow};
    dnnl_dims_t strides = {stride_y, stride_x}, pad_l = {top, left}, pad_r = {bottom, right};
    dnnl_status_t s;
    if ((s = dnnl_memory_desc_init_by_tag(&src, 4, src_dims, dnnl_f32, dnnl_nhwc))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&hwio, 4, wei_dims, dnnl_f32, dnnl_hwio))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&any, 4, wei_dims, dnnl_f32, dnnl_format_tag_any))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&dst, 4, dst_dims, dnnl_f32, dnnl_nhwc))) return s;
    // The backward descriptors take the forward training one as a hint.
    dnnl_convolution_desc_t fd, dd, wd;
    if ((s = dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training, dnnl_convolution_direct,
            &src, &any, NULL, &dst, strides, pad_l, pad_r))) return s;
    dnnl_primitive_desc_t fpd, wpd, dpd = NULL;
    if ((s = dnnl_primitive_desc_create(&fpd, &fd, NULL, engine, NULL))) return s;
    s = dnnl_convolution_backward_weights_desc_init(&wd, dnnl_convolution_direct, &src, &any, NULL, &dst, strides, pad_l, pad_r);
    // oneDNN 2.6's 1x1 kernels run a strided 1x1 convolution as a unit-stride one over a copy of
    // x with the skipped rows and columns left out ("reduce to unit stride"). For NHWC, backward
    // weights books is * ic floats for that copy but writes block sp at sp * ic_block (16 floats
    // for AVX-512, 8 for AVX2; jit_avx512_common_1x1_convolution.cpp and jit_avx2_1x1_convolution.cpp,
    // execute_backward_weights): with fewer input channels than a block and more than one block of
    // positions, it writes past the scratchpad and corrupts the heap (a 1x1 stride-2 convolution of
    // 3 channels on 62x62 or 64x64 inputs). Such a convolution takes the next implementation.
    int strided_1x1 = kh == 1 && kw == 1 && (stride_y > 1 || stride_x > 1);
    if (!s) s = cnn_dnnl_primitive_desc_avoiding(&wpd, &wd, engine, fpd, strided_1x1 ? "jit_1x1" : NULL);
    if (!s && need_data) {
        s = dnnl_convolution_backward_data_desc_init(&dd, dnnl_convolution_direct, &src, &any, &dst, strides, pad_l, pad_r);
        if (!s) s = dnnl_primitive_desc_create(&dpd, &dd, NULL, engine, fpd);
    }
    dnnl_primitive_desc_destroy(fpd);
    if (s) return s;
    conv->has_data = need_data;
    conv->implementation_weights = "";
    dnnl_primitive_desc_query(wpd, dnnl_query_impl_info_str, 0, &conv->implementation_weights);
    const dnnl_memory_desc_t *gradient_md = dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0);
    if (!(s = dnnl_primitive_create(&conv->weights, wpd)))
        if (!(s = cnn_dnnl_reorder(&conv->gradient_reorder, gradient_md, &hwio, engine)))
            s = dnnl_memory_create(&conv->kernel_gradient, gradient_md, engine, DNNL_MEMORY_ALLOCATE);
    dnnl_primitive_desc_destroy(wpd);
    if (s) { if (dpd) dnnl_primitive_desc_destroy(dpd); return s; }
    conv->implementation_data = "";
    if (need_data) {
        dnnl_primitive_desc_query(dpd, dnnl_query_impl_info_str, 0, &conv->implementation_data);
        const dnnl_memory_desc_t *kernel_md = dnnl_primitive_desc_query_md(dpd, dnnl_query_weights_md, 0);
        if (!(s = dnnl_primitive_create(&conv->data, dpd)))
            if (!(s = cnn_dnnl_reorder(&conv->kernel_reorder, &hwio, kernel_md, engine)))
                s = dnnl_memory_create(&conv->kernel, kernel_md, engine, DNNL_MEMORY_ALLOCATE);
        dnnl_primitive_desc_destroy(dpd);
        if (s) return s;
        dnnl_memory_create(&conv->input_gradient, &src, engine, DNNL_MEMORY_NONE);
        dnnl_memory_create(&conv->user_kernel, &hwio, engine, DNNL_MEMORY_NONE);
    }
    dnnl_memory_create(&conv->source, &src, engine, DNNL_MEMORY_NONE);
    dnnl_memory_create(&conv->output_gradient, &dst, engine, DNNL_MEMORY_NONE);
    dnnl_memory_create(&conv->user_kernel_gradient, &hwio, engine, DNNL_MEMORY_NONE);
    return dnnl_success;
}

/// dL/dkernel (HWIO) from x and dL/dz; dL/dx too when `input_gradient` is not NULL (and the
/// backward pass was made with need_data).
static inline dnnl_status_t cnn_dnnl_convolution_backward_run(const cnn_dnnl_convolution_backward *conv,
        dnnl_stream_t stream, const float *x, const float *output_gradient, const float *kernel,
        float *kernel_gradient, float *input_gradient) {
    dnnl_status_t s;
    dnnl_memory_set_data_handle(conv->source, (void *)x);
    dnnl_memory_set_data_handle(conv->output_gradient, (void *)output_gradient);
    dnnl_memory_set_data_handle(conv->user_kernel_gradient, kernel_gradient);
    dnnl_exec_arg_t w[3] = {{DNNL_ARG_SRC, conv->source}, {DNNL_ARG_DIFF_DST, conv->output_gradient},
                            {DNNL_ARG_DIFF_WEIGHTS, conv->kernel_gradient}};
    if ((s = dnnl_primitive_execute(conv->weights, stream, 3, w))) return s;
    dnnl_exec_arg_t back[2] = {{DNNL_ARG_FROM, conv->kernel_gradient}, {DNNL_ARG_TO, conv->user_kernel_gradient}};
    if ((s = dnnl_primitive_execute(conv->gradient_reorder, stream, 2, back))) return s;
    if (input_gradient && conv->has_data) {
        dnnl_memory_set_data_handle(conv->user_kernel, (void *)kernel);
        dnnl_memory_set_data_handle(conv->input_gradient, input_gradient);
        dnnl_exec_arg_t to[2] = {{DNNL_ARG_FROM, conv->user_kernel}, {DNNL_ARG_TO, conv->kernel}};
        if ((s = dnnl_primitive_execute(conv->kernel_reorder, stream, 2, to))) return s;
        dnnl_exec_arg_t d[3] = {{DNNL_ARG_DIFF_DST, conv->output_gradient}, {DNNL_ARG_WEIGHTS, conv->kernel},
                                {DNNL_ARG_DIFF_SRC, conv->input_gradient}};
        if ((s = dnnl_primitive_execute(conv->data, stream, 3, d))) return s;
    }
    return dnnl_stream_wait(stream);
}

static inline void cnn_dnnl_convolution_backward_destroy(cnn_dnnl_convolution_backward *conv) {
    dnnl_primitive_destroy(conv->weights);
    dnnl_primitive_destroy(conv->gradient_reorder);
    dnnl_memory_destroy(conv->kernel_gradient);
    dnnl_memory_destroy(conv->source);
    dnnl_memory_destroy(conv->output_gradient);
    dnnl_memory_destroy(conv->user_kernel_gradient);
    if (conv->has_data) {
        dnnl_primitive_destroy(conv->data);
        dnnl_primitive_destroy(conv->kernel_reorder);
        dnnl_memory_destroy(conv->kernel);
        dnnl_memory_destroy(conv->input_gradient);
        dnnl_memory_destroy(conv->user_kernel);
    }
}
