/* Not Firmata: a sketch that only prints a line of text every 500 ms at 57600 baud, as a board flashed with
 * something else would (the test of the mat program's "not running StandardFirmata" error).
 * Built by scripts/build-firmata.sh into print-text.uno.hex. */
#include <avr/io.h>
#include <util/delay.h>

static void put(char c) {
  while (!(UCSR0A & (1 << UDRE0))) {
  }
  UDR0 = c;
}

int main(void) {
  UCSR0A = 1 << U2X0;
  UBRR0 = 34; /* 57600 baud at 16 MHz with U2X */
  UCSR0B = 1 << TXEN0;
  for (;;) {
    for (const char *s = "hello from another sketch\r\n"; *s; s++) put(*s);
    _delay_ms(500);
  }
}
