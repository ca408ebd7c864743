#!/usr/bin/env bash
# Builds StandardFirmata (Firmata 2.5.9) for an Arduino Uno from the unchanged upstream sources in
# ../shared/arduino-libraries with Debian's gcc-avr, avr-libc, arduino-core-avr and arduino-mk.
#   scripts/build-firmata.sh                 rebuilds device/firmata/StandardFirmata.uno.hex
#   scripts/build-firmata.sh --out FILE      writes the HEX elsewhere (the test compares it with the committed one)
#   scripts/build-firmata.sh --other FILE    builds the tests' not-Firmata sketch (test/board/avr/print-text.c)
# TIKAR_SHARED_DIR overrides where the shared sources are (default: ../shared beside the repository).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/device/firmata/StandardFirmata.uno.hex"
if [ "${1:-}" = "--out" ]; then out="$2"; fi
if [ "${1:-}" = "--other" ]; then
  elf="$(mktemp --suffix=.elf)"
  avr-gcc -mmcu=atmega328p -Os -DF_CPU=16000000UL -std=gnu99 -o "$elf" "$root/test/board/avr/print-text.c"
  avr-objcopy -O ihex -R .eeprom "$elf" "$2"
  rm -f "$elf"
  echo "build-firmata: wrote $2" >&2
  exit 0
fi
libraries="${TIKAR_SHARED_DIR:-$root/../shared}/arduino-libraries"
sketch="$libraries/Firmata/examples/StandardFirmata/StandardFirmata.ino"
[ -f "$sketch" ] || { echo "build-firmata: $sketch not found (set TIKAR_SHARED_DIR)" >&2; exit 2; }
[ -f /usr/share/arduino/Arduino.mk ] || {
  echo "build-firmata: /usr/share/arduino/Arduino.mk not found: apt install gcc-avr avr-libc arduino-core-avr arduino-mk" >&2
  exit 2
}

# A fixed build directory name: Arduino.mk names the outputs after it.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/StandardFirmata"
cp "$sketch" "$work/StandardFirmata/"
# Debian 12's gcc-avr 5.4 needs gnu++11, and DECIMAL_DIG for the core's WString.cpp (../shared SOURCES.md).
cat >"$work/StandardFirmata/Makefile" <<MAKE
ARDUINO_DIR = /usr/share/arduino
ARDMK_DIR = /usr/share/arduino
AVR_TOOLS_DIR = /usr
BOARD_TAG = uno
USER_LIB_PATH = $libraries
ARDUINO_LIBS = Firmata Servo Wire
CXXFLAGS_STD = -std=gnu++11
CPPFLAGS += -DDECIMAL_DIG=17
include /usr/share/arduino/Arduino.mk
MAKE
echo "build-firmata: building StandardFirmata for the Uno (avr-gcc $(avr-gcc -dumpversion))" >&2
make -s -C "$work/StandardFirmata" >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; exit 1; }
cp "$work/StandardFirmata/build-uno/StandardFirmata_.hex" "$out"
if [ "$out" = "$root/device/firmata/StandardFirmata.uno.hex" ]; then
  version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
  {
    echo "StandardFirmata.uno.hex: Firmata 2.5.9 (firmata/arduino 53bb550d704ff9db76c01286c97a0f5c14321e49), Servo (arduino-libraries/Servo 3f163ecc4f6843e04afe5fdd58b3a420a45861cc)"
    echo "avr-gcc $(avr-gcc -dumpversion)"
    echo "arduino-core-avr $(version arduino-core-avr)"
    echo "arduino-mk $(version arduino-mk)"
    echo "avr-libc $(version avr-libc)"
  } >"$root/device/firmata/BUILD-INFO"
fi
echo "build-firmata: wrote $out ($(wc -c <"$out") bytes)" >&2
