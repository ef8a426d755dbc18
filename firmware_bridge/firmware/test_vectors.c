/*
 * test_vectors.c - writes frames encoded by aura_frame.h and the values they must decode to.
 *
 *   gcc -std=c99 -Wall -Wextra -pedantic -O2 -o test_vectors test_vectors.c && ./test_vectors OUT_DIR
 *
 * OUT_DIR/vectors.bin   the byte stream as a device would send it, including one omitted frame,
 *                       one corrupted frame and a garbage run (to check the decoder's counters)
 * OUT_DIR/vectors.json  every frame that must come out: header fields, raw samples, its exact
 *                       wire bytes (hex), and the device time unwrapped to 64 bits (from the
 *                       generator's own 64-bit clock, not from decoder-like logic)
 *
 * The cases cover u16 sequence and u32 microsecond wrap-around, a device reset (BOOT flag, clock
 * restarting), frames of 1 and 32 samples, all-zero payloads (long COBS chains), payloads with
 * more than 254 non-zero bytes (0xFF COBS blocks), int16 extremes and both unit conventions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aura_frame.h"

enum { SEND = 0, OMIT = 1, CORRUPT = 2 };
enum { FILL_LCG = 0, FILL_ZERO = 1, FILL_0101 = 2, FILL_EXTREMES = 3 };

typedef struct {
    uint8_t n;
    uint8_t fill;
    uint8_t fate;
    uint8_t reset; /* the device reboots before this frame */
} case_t;

static const case_t CASES[] = {
    {8, FILL_LCG, SEND, 0},      /* seq 65533, clock just below 2^32 */
    {8, FILL_LCG, SEND, 0},      /* seq 65534, t_us wraps */
    {8, FILL_LCG, SEND, 0},      /* seq 65535 */
    {8, FILL_LCG, SEND, 0},      /* seq 0: the sequence wraps */
    {8, FILL_LCG, OMIT, 0},      /* lost on the way: dropped += 1 */
    {32, FILL_ZERO, SEND, 0},    /* 384 zero bytes: the longest COBS code chains */
    {32, FILL_0101, SEND, 0},    /* 384 non-zero bytes: 0xFF blocks */
    {8, FILL_LCG, CORRUPT, 0},   /* a flipped byte: corrupt += 1, dropped += 1 */
    {1, FILL_LCG, SEND, 0},      /* the smallest frame, m/s^2 and rad/s units */
    {8, FILL_EXTREMES, SEND, 0}, /* int16 extremes */
    {4, FILL_LCG, SEND, 1},      /* reboot: BOOT flag, seq 0, clock restarts, 104 Hz */
    {4, FILL_LCG, SEND, 0},
    {4, FILL_LCG, SEND, 0},
};
#define N_CASES (sizeof CASES / sizeof CASES[0])

static uint32_t lcg_state = 12345u;

static int16_t lcg_int16(void) {
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (int16_t)(lcg_state >> 16);
}

static void fill(int16_t (*samples)[6], uint8_t n, uint8_t how) {
    static const int16_t extremes[] = {-32768, 32767, 0, -1, 1, 255, 256, -256};
    for (uint8_t i = 0; i < n; i++) {
        for (int c = 0; c < 6; c++) {
            switch (how) {
            case FILL_ZERO: samples[i][c] = 0; break;
            case FILL_0101: samples[i][c] = 0x0101; break;
            case FILL_EXTREMES: samples[i][c] = extremes[(i * 6 + c) % 8]; break;
            default: samples[i][c] = lcg_int16(); break;
            }
        }
    }
}

static void write_json_frame(FILE *js, int first, const aura_frame_header_t *h, uint64_t clock, uint8_t n,
                             const int16_t (*samples)[6], const uint8_t *wire, size_t wire_len) {
    fprintf(js, "%s\n    {\"seq\": %u, \"t_us\": %lu, \"t_unwrapped_us\": %llu, \"flags\": %u, \"period_ns\": %lu, ",
            first ? "" : ",", (unsigned)h->seq, (unsigned long)h->t_us, (unsigned long long)clock,
            (unsigned)h->flags, (unsigned long)h->period_ns);
    fprintf(js, "\"acc_lsb\": %.9g, \"gyro_lsb\": %.9g, \"n\": %u, \"samples\": [", (double)h->acc_lsb,
            (double)h->gyro_lsb, (unsigned)n);
    for (uint8_t i = 0; i < n; i++) {
        fprintf(js, "%s[%d, %d, %d, %d, %d, %d]", i ? ", " : "", samples[i][0], samples[i][1], samples[i][2],
                samples[i][3], samples[i][4], samples[i][5]);
    }
    fprintf(js, "], \"wire_hex\": \"");
    for (size_t i = 0; i < wire_len; i++) {
        fprintf(js, "%02x", wire[i]);
    }
    fprintf(js, "\"}");
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/vectors.bin", argv[1]);
    FILE *bin = fopen(path, "wb");
    snprintf(path, sizeof path, "%s/vectors.json", argv[1]);
    FILE *js = fopen(path, "w");
    if (!bin || !js) {
        perror("cannot open output");
        return 1;
    }
    static const char check[] = "123456789";
    fprintf(js, "{\n  \"crc_check\": %u,\n  \"frames\": [", (unsigned)aura_crc16((const uint8_t *)check, 9, 0xFFFFu));

    aura_frame_header_t h = {AURA_FLAG_ACC_G | AURA_FLAG_GYRO_DEG | AURA_FLAG_BOOT, 65533u, 0, 5000000u,
                             1.0f / 2048.0f, 1.0f / 16.4f};
    uint64_t clock = 4294967295ull - 30000ull; /* 64-bit ground-truth device clock (us) */
    int16_t samples[AURA_FRAME_MAX_SAMPLES][6];
    uint8_t raw[AURA_FRAME_RAW_BYTES(AURA_FRAME_MAX_SAMPLES)], wire[AURA_FRAME_WIRE_BYTES(AURA_FRAME_MAX_SAMPLES)];
    unsigned sent = 0, samples_sent = 0, dropped = 0, corrupt = 0, resets = 0;

    for (size_t k = 0; k < N_CASES; k++) {
        const case_t *c = &CASES[k];
        if (c->reset) {
            h.seq = 0;
            clock = 1000u;
            h.period_ns = 9615385u; /* 104 Hz */
            h.flags |= AURA_FLAG_BOOT;
            resets++;
        }
        if (k == 8) { /* switch to m/s^2 and rad/s LSBs */
            h.flags &= (uint8_t)~(AURA_FLAG_ACC_G | AURA_FLAG_GYRO_DEG);
            h.acc_lsb = 0.001f;
            h.gyro_lsb = 0.0001f;
        }
        h.t_us = (uint32_t)clock;
        fill(samples, c->n, c->fill);
        size_t len = aura_frame_encode(&h, (const int16_t (*)[6])samples, c->n, raw, wire);
        if (c->fate == SEND) {
            fwrite(wire, 1, len, bin);
            write_json_frame(js, sent == 0, &h, clock, c->n, (const int16_t (*)[6])samples, wire, len);
            sent++;
            samples_sent += c->n;
        } else if (c->fate == CORRUPT) {
            wire[len / 2] = (uint8_t)(wire[len / 2] == 0x55 ? 0x56 : 0x55); /* never 0x00: same run */
            fwrite(wire, 1, len, bin);
            corrupt++;
            dropped++;
        } else {
            dropped++;
        }
        if (k == 9) { /* garbage between frames: a too-short run */
            fwrite("hello\0", 1, 6, bin);
            corrupt++;
        }
        clock += (uint64_t)c->n * h.period_ns / 1000u;
        h.seq++;
        h.flags &= (uint8_t)~AURA_FLAG_BOOT;
    }
    fprintf(js, "\n  ],\n  \"expected\": {\"frames\": %u, \"samples\": %u, \"dropped\": %u, \"corrupt\": %u, "
                "\"resets\": %u}\n}\n", sent, samples_sent, dropped, corrupt, resets);
    fclose(bin);
    fclose(js);
    return 0;
}
