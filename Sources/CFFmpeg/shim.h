#ifndef DEBRIEF_CFFMPEG_SHIM_H
#define DEBRIEF_CFFMPEG_SHIM_H

// Stand-ins for FFmpeg 5.1 macros that Swift cannot import (function-like macros, compound literals).

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

static const int DEBRIEF_AVERROR_EOF = AVERROR_EOF;
static const int DEBRIEF_AVERROR_EAGAIN = AVERROR(EAGAIN);
static const int DEBRIEF_AVERROR_INVALIDDATA = AVERROR_INVALIDDATA;
static const int DEBRIEF_AVERROR_ENOMEM = AVERROR(ENOMEM);
static const int DEBRIEF_AVERROR_ENOENT = AVERROR(ENOENT);
static const int DEBRIEF_AVERROR_EIO = AVERROR(EIO);
static const int DEBRIEF_AVERROR_EINVAL = AVERROR(EINVAL);
static const int DEBRIEF_AVSEEK_SIZE = AVSEEK_SIZE;
static const int DEBRIEF_AVSEEK_FORCE = AVSEEK_FORCE;
static const int64_t DEBRIEF_AV_NOPTS_VALUE = AV_NOPTS_VALUE;
static const int DEBRIEF_AV_ERROR_MAX_STRING_SIZE = AV_ERROR_MAX_STRING_SIZE;

/// `frame->extended_data` as the `const uint8_t **` that `swr_convert` takes.
static inline const uint8_t **debrief_frame_extended_data(AVFrame *frame) {
    return (const uint8_t **)frame->extended_data;
}

/// `frame->data` / `frame->linesize` as pointers, for `sws_scale`.
static inline const uint8_t *const *debrief_frame_data(const AVFrame *frame) {
    return (const uint8_t *const *)frame->data;
}
static inline const int *debrief_frame_linesize(const AVFrame *frame) {
    return frame->linesize;
}

/// Formats an FFmpeg log line (printf-style with a va_list) into `buffer`.
static inline int debrief_format_log(char *buffer, int size, const char *fmt, va_list args) {
    return vsnprintf(buffer, (size_t)size, fmt, args);
}

/// Display-matrix rotation of a stream in degrees (counter-clockwise, as av_display_rotation_get), or 0.
static inline double debrief_stream_rotation(const AVStream *stream) {
    size_t size = 0;
    const uint8_t *matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
    if (!matrix || size < 9 * sizeof(int32_t)) return 0;
    double angle = av_display_rotation_get((const int32_t *)matrix);
    return angle != angle ? 0 : angle;  // NaN → 0
}

#endif
