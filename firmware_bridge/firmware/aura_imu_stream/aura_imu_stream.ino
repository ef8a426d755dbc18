/*
 * aura_imu_stream.ino - stream a 6-axis IMU to aura-edge as binary frames (PROTOCOL.md).
 *
 * Sensor: MPU-6050 / MPU-6500 over I2C (Wire), read as raw int16 registers — exactly what the
 * frame format carries, with the datasheet sensitivities as the declared LSBs. 200 Hz, 8 samples
 * per frame (25 frames/s, 40 ms added latency, ~3 kB/s).
 *
 * Outputs (both may be on):
 *   UART  - Serial at AURA_BAUD (native-USB boards ignore the baud rate); 115200 is the host's
 *           default and carries 200 Hz frames with room to spare (~3 kB/s of ~11.5 kB/s).
 *           host: open_source("/dev/ttyACM0", format="frames")
 *   BLE   - boards with ArduinoBLE (Nano 33 BLE / IoT, Nano RP2040 Connect, UNO R4 WiFi):
 *           define AURA_USE_BLE 1. Frames go out as 20-byte notifications, which fits the
 *           default ATT MTU; the host reassembles them.
 *           host: open_source("ble://AA:BB:CC:DD:EE:FF")
 *
 * Copy aura_frame.h next to this sketch (Arduino only compiles files in the sketch folder).
 */
#include <Wire.h>

#define AURA_STREAM_MAX_SAMPLES 8 /* RAM: ~0.4 kB for the stream buffers */
#include "aura_frame.h"

#ifndef AURA_USE_BLE
#define AURA_USE_BLE 0
#endif
#if AURA_USE_BLE
#include <ArduinoBLE.h>
#endif

#define AURA_BAUD 115200
#define AURA_RATE_HZ 200u
#define AURA_SAMPLES_PER_FRAME 8u
#define AURA_BLE_CHUNK 20u

/* MPU-6050 registers */
#define MPU_ADDR 0x68
#define MPU_SMPLRT_DIV 0x19
#define MPU_CONFIG 0x1A
#define MPU_GYRO_CONFIG 0x1B
#define MPU_ACCEL_CONFIG 0x1C
#define MPU_INT_STATUS 0x3A
#define MPU_ACCEL_XOUT_H 0x3B
#define MPU_PWR_MGMT_1 0x6B

static aura_stream_t stream;

#if AURA_USE_BLE
BLEService imuService("41555241-4544-4745-8000-00000000a001");
BLECharacteristic imuChar("41555241-4544-4745-8000-00000000a002", BLENotify, AURA_BLE_CHUNK);
#endif

static void mpuWrite(uint8_t reg, uint8_t value) {
  Wire.beginTransmission(MPU_ADDR);
  Wire.write(reg);
  Wire.write(value);
  Wire.endTransmission();
}

static uint8_t mpuRead(uint8_t reg, uint8_t *buf, uint8_t len) {
  Wire.beginTransmission(MPU_ADDR);
  Wire.write(reg);
  if (Wire.endTransmission(false) != 0) return 0;
  uint8_t got = Wire.requestFrom((uint8_t)MPU_ADDR, len);
  for (uint8_t i = 0; i < got; i++) buf[i] = Wire.read();
  return got;
}

static void mpuBegin() {
  mpuWrite(MPU_PWR_MGMT_1, 0x01);    /* wake up, clock from the X gyro PLL */
  mpuWrite(MPU_CONFIG, 0x03);        /* DLPF 44 Hz: anti-alias for 200 Hz, gyro rate 1 kHz */
  mpuWrite(MPU_SMPLRT_DIV, 4);       /* 1 kHz / (1 + 4) = 200 Hz */
  mpuWrite(MPU_GYRO_CONFIG, 0x08);   /* ±500 °/s: 65.5 LSB per °/s */
  mpuWrite(MPU_ACCEL_CONFIG, 0x08);  /* ±4 g: 8192 LSB per g */
}

static void send(const uint8_t *bytes, size_t len) {
  Serial.write(bytes, len);
#if AURA_USE_BLE
  if (BLE.connected() && imuChar.subscribed()) {
    for (size_t at = 0; at < len; at += AURA_BLE_CHUNK) {
      size_t piece = (len - at < AURA_BLE_CHUNK) ? len - at : AURA_BLE_CHUNK;
      imuChar.writeValue(bytes + at, piece);
    }
  }
#endif
}

void setup() {
  Serial.begin(AURA_BAUD);
  Wire.begin();
  Wire.setClock(400000);
  mpuBegin();
  aura_stream_init(&stream, AURA_SAMPLES_PER_FRAME, 1000000000ul / AURA_RATE_HZ, 1.0f / 8192.0f, 1.0f / 65.5f,
                   AURA_FLAG_ACC_G | AURA_FLAG_GYRO_DEG);
#if AURA_USE_BLE
  if (BLE.begin()) {
    BLE.setLocalName("aura-imu");
    BLE.setAdvertisedService(imuService);
    imuService.addCharacteristic(imuChar);
    BLE.addService(imuService);
    BLE.advertise();
  }
#endif
  const uint8_t sync = 0x00; /* lets the host decode the very first frame */
  send(&sync, 1);
}

void loop() {
#if AURA_USE_BLE
  BLE.poll();
#endif
  uint8_t status;
  if (mpuRead(MPU_INT_STATUS, &status, 1) != 1 || !(status & 0x01)) return; /* no new sample yet */
  uint32_t t_us = micros();
  uint8_t b[14];
  if (mpuRead(MPU_ACCEL_XOUT_H, b, sizeof b) != sizeof b) return;
  /* Registers are big-endian: accel x y z, temperature, gyro x y z. */
  int16_t sample[6] = {
    (int16_t)((b[0] << 8) | b[1]), (int16_t)((b[2] << 8) | b[3]), (int16_t)((b[4] << 8) | b[5]),
    (int16_t)((b[8] << 8) | b[9]), (int16_t)((b[10] << 8) | b[11]), (int16_t)((b[12] << 8) | b[13]),
  };
  size_t len = aura_stream_push(&stream, t_us, sample);
  if (len) send(stream.wire, len);
}
