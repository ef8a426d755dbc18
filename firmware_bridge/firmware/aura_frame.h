/*
 * aura_frame.h - header-only encoder of the aura-edge binary IMU frame, version 1.
 *
 * Portable C99, no malloc, no dependencies beyond <stdint.h>/<string.h>; works on AVR, ARM
 * Cortex-M, ESP32 and hosts. The byte layout is specified in PROTOCOL.md; the Python decoder
 * (aura_edge.firmware_bridge.FrameDecoder) reads exactly what this writes, and test_vectors.c
 * proves it byte for byte.
 *
 * Raw frame (little-endian fields, CRC big-endian):
 *   version u8 | flags u8 | seq u16 | t_us u32 | period_ns u32 | acc_lsb f32 | gyro_lsb f32 | n u8
 *   | n x int16[6] (ax ay az gx gy gz) | crc16 (CRC-16/CCITT-FALSE over everything before it)
 * On the wire: COBS(raw frame) followed by one 0x00 delimiter.
 *
 * Quick use (see aura_imu_stream.ino):
 *   static aura_stream_t s;
 *   aura_stream_init(&s, 8, 5000000u, 1.0f / 8192.0f, 1.0f / 65.5f, AURA_FLAG_ACC_G | AURA_FLAG_GYRO_DEG);
 *   size_t len = aura_stream_push(&s, micros(), sample);   // sample: int16_t[6]
 *   if (len) Serial.write(s.wire, len);
 */
#ifndef AURA_FRAME_H
#define AURA_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define AURA_FRAME_VERSION 1u
#define AURA_FLAG_ACC_G 0x01u    /* acc_lsb is in g (else m/s^2) */
#define AURA_FLAG_GYRO_DEG 0x02u /* gyro_lsb is in deg/s (else rad/s) */
#define AURA_FLAG_BOOT 0x80u     /* first frame since the device (re)started */

#define AURA_FRAME_HEADER_BYTES 21u
#define AURA_FRAME_SAMPLE_BYTES 12u
#define AURA_FRAME_CRC_BYTES 2u
#define AURA_FRAME_MAX_SAMPLES 32u
#define AURA_FRAME_RAW_BYTES(n) (AURA_FRAME_HEADER_BYTES + AURA_FRAME_SAMPLE_BYTES * (n) + AURA_FRAME_CRC_BYTES)
/* COBS adds at most one code byte per started 254-byte block (+1), then one 0x00 delimiter. */
#define AURA_FRAME_WIRE_BYTES(n) (AURA_FRAME_RAW_BYTES(n) + AURA_FRAME_RAW_BYTES(n) / 254u + 2u)

/* Frames a stream buffers; lower it on small MCUs (RAM use is about 26 bytes per sample). */
#ifndef AURA_STREAM_MAX_SAMPLES
#define AURA_STREAM_MAX_SAMPLES AURA_FRAME_MAX_SAMPLES
#endif

typedef char aura_float_is_32_bits[(sizeof(float) == 4) ? 1 : -1]; /* the wire carries IEEE-754 binary32 */

typedef struct {
    uint8_t flags;      /* AURA_FLAG_* */
    uint16_t seq;       /* +1 per frame, wraps */
    uint32_t t_us;      /* device clock of the first sample in the frame, wraps */
    uint32_t period_ns; /* declared sample period */
    float acc_lsb;      /* accelerometer LSB in g or m/s^2 (AURA_FLAG_ACC_G) */
    float gyro_lsb;     /* gyroscope LSB in deg/s or rad/s (AURA_FLAG_GYRO_DEG) */
} aura_frame_header_t;

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR ("123456789" -> 0x29B1). */
static inline uint16_t aura_crc16(const uint8_t *data, size_t len, uint16_t crc) {
    for (size_t i = 0; i < len; i++) {
        crc ^= (uint16_t)((uint16_t)data[i] << 8);
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
        }
    }
    return crc;
}

/* Explicit byte order, so the frame is identical on little- and big-endian MCUs. */
static inline uint8_t *aura_put_u16le(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    return p + 2;
}

static inline uint8_t *aura_put_u32le(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
    return p + 4;
}

static inline uint8_t *aura_put_f32le(uint8_t *p, float v) {
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits); /* well-defined type pun */
    return aura_put_u32le(p, bits);
}

/* Write the raw frame (header, samples, CRC) into raw[AURA_FRAME_RAW_BYTES(n)]; returns its
 * length, or 0 when n is not 1..AURA_FRAME_MAX_SAMPLES. */
static inline size_t aura_frame_pack(const aura_frame_header_t *h, const int16_t (*samples)[6], uint8_t n,
                                     uint8_t *raw) {
    if (n == 0 || n > AURA_FRAME_MAX_SAMPLES) {
        return 0;
    }
    uint8_t *p = raw;
    *p++ = (uint8_t)AURA_FRAME_VERSION;
    *p++ = h->flags;
    p = aura_put_u16le(p, h->seq);
    p = aura_put_u32le(p, h->t_us);
    p = aura_put_u32le(p, h->period_ns);
    p = aura_put_f32le(p, h->acc_lsb);
    p = aura_put_f32le(p, h->gyro_lsb);
    *p++ = n;
    for (uint8_t i = 0; i < n; i++) {
        for (int c = 0; c < 6; c++) {
            p = aura_put_u16le(p, (uint16_t)samples[i][c]);
        }
    }
    uint16_t crc = aura_crc16(raw, (size_t)(p - raw), 0xFFFFu);
    *p++ = (uint8_t)(crc >> 8); /* MSB first: the CRC over frame + CRC is then 0 */
    *p++ = (uint8_t)crc;
    return (size_t)(p - raw);
}

/* Canonical COBS (Cheshire & Baker): out gets no 0x00; data ending exactly on a full 254-byte
 * block gets no extra empty block. out needs len + len / 254 + 1 bytes. Returns bytes written. */
static inline size_t aura_cobs_encode(const uint8_t *in, size_t len, uint8_t *out) {
    size_t code_at = 0, w = 1;
    uint8_t code = 1;
    for (size_t r = 0; r < len; r++) {
        if (in[r] != 0) {
            out[w++] = in[r];
            if (++code != 0xFFu) {
                continue;
            }
            out[code_at] = code; /* a full block carries no implied zero */
            code = 1;
            if (r + 1 == len) {
                return w;
            }
            code_at = w++;
        } else {
            out[code_at] = code; /* the zero is implied by ending the block here */
            code = 1;
            code_at = w++;
        }
    }
    out[code_at] = code;
    return w;
}

/* Pack + COBS + delimiter. raw needs AURA_FRAME_RAW_BYTES(n) bytes of scratch, wire needs
 * AURA_FRAME_WIRE_BYTES(n). Returns the number of wire bytes, 0 on a bad n. */
static inline size_t aura_frame_encode(const aura_frame_header_t *h, const int16_t (*samples)[6], uint8_t n,
                                       uint8_t *raw, uint8_t *wire) {
    size_t raw_len = aura_frame_pack(h, samples, n, raw);
    if (raw_len == 0) {
        return 0;
    }
    size_t len = aura_cobs_encode(raw, raw_len, wire);
    wire[len++] = 0x00;
    return len;
}

/* A sample-by-sample streaming encoder: buffers samples_per_frame samples, then encodes. */
typedef struct {
    aura_frame_header_t header;
    uint8_t samples_per_frame;
    uint8_t count;
    int16_t samples[AURA_STREAM_MAX_SAMPLES][6];
    uint8_t raw[AURA_FRAME_RAW_BYTES(AURA_STREAM_MAX_SAMPLES)];
    uint8_t wire[AURA_FRAME_WIRE_BYTES(AURA_STREAM_MAX_SAMPLES)];
} aura_stream_t;

static inline void aura_stream_init(aura_stream_t *s, uint8_t samples_per_frame, uint32_t period_ns, float acc_lsb,
                                    float gyro_lsb, uint8_t unit_flags) {
    memset(s, 0, sizeof *s);
    if (samples_per_frame == 0 || samples_per_frame > AURA_STREAM_MAX_SAMPLES) {
        samples_per_frame = AURA_STREAM_MAX_SAMPLES;
    }
    s->samples_per_frame = samples_per_frame;
    s->header.flags = (uint8_t)(unit_flags | AURA_FLAG_BOOT); /* the first frame announces the boot */
    s->header.period_ns = period_ns;
    s->header.acc_lsb = acc_lsb;
    s->header.gyro_lsb = gyro_lsb;
}

/* Add one sample taken at device time t_us. Returns the number of bytes now ready in s->wire
 * (a complete frame to send), or 0 while the frame is still filling. */
static inline size_t aura_stream_push(aura_stream_t *s, uint32_t t_us, const int16_t sample[6]) {
    if (s->count == 0) {
        s->header.t_us = t_us;
    }
    memcpy(s->samples[s->count], sample, sizeof s->samples[0]);
    if (++s->count < s->samples_per_frame) {
        return 0;
    }
    size_t len = aura_frame_encode(&s->header, (const int16_t (*)[6])s->samples, s->count, s->raw, s->wire);
    s->count = 0;
    s->header.seq++;
    s->header.flags &= (uint8_t)~AURA_FLAG_BOOT;
    return len;
}

#endif /* AURA_FRAME_H */
