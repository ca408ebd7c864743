// Hand-worked posyandu months for the issue-14 reports; each fixture's working is in its comment.
import { child, measurement, weighing } from './fixtures.ts';

// KMS month columns against completed months (posyandu pos-1, November 2026):
//           born        Oct weighing   Nov weighing   gain   completed months -> KBM  KMS column -> KBM   completed  KMS
//  P   2026-09-25   10-20 4.00     11-20 4.85    +850   1 (Sep 25 → Oct 25)  800   11 − 9 = 2   900    N          T
//  S2  2026-09-30   10-31 3.90     11-29 4.78    +880   1 (Nov 29 < Nov 30)  800   2            900    N          T
//  Q   2026-07-20   10-10 6.00     11-10 6.62    +620   3 (Nov 10 < Nov 20)  800   4            600    T          N
//  U   2025-01-15   10-15 10.00    11-14 10.25   +250   21                   200   22           200    N          N
// KMS (default): N = Q U = 2, T = P S2 = 2, N/D = 2/4 = 50 %.  Completed months: N = P S2 U = 3, T = Q = 1, N/D = 75 %.
// P and S2 turn from N into T, so they reach the referral list (Buku KIA refers on a single T).
export function kmsAgeFixture() {
  const children = [
    child({ id: 'P', birthDate: '2026-09-25' }),
    child({ id: 'S2', birthDate: '2026-09-30', sex: 2 }),
    child({ id: 'Q', birthDate: '2026-07-20' }),
    child({ id: 'U', birthDate: '2025-01-15', sex: 2 }),
  ];
  const measurements = [
    weighing('P', '2026-10-20', 4.0),
    weighing('P', '2026-11-20', 4.85),
    weighing('S2', '2026-10-31', 3.9),
    weighing('S2', '2026-11-29', 4.78),
    weighing('Q', '2026-10-10', 6.0),
    measurement({
      childId: 'Q',
      measuredOn: '2026-11-10',
      weightKg: 6.62,
      lenheiCm: 62.0,
      zlen: -0.5,
      flen: 0,
    }),
    weighing('U', '2026-10-15', 10.0),
    weighing('U', '2026-11-14', 10.25),
  ];
  return { children, measurements };
}
