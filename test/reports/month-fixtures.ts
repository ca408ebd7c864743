// Hand-worked posyandu months for the issue-14 reports; each fixture's working is in its comment.
import type { ReportData } from '../../gateway/reports/types.ts';
import { address, child, measurement, weighing } from './fixtures.ts';

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
    child({ id: 'P', birth_date: '2026-09-25' }),
    child({ id: 'S2', birth_date: '2026-09-30', sex: 2 }),
    child({ id: 'Q', birth_date: '2026-07-20' }),
    child({ id: 'U', birth_date: '2025-01-15', sex: 2 }),
  ];
  const measurements = [
    weighing('P', '2026-10-20', 4.0),
    weighing('P', '2026-11-20', 4.85),
    weighing('S2', '2026-10-31', 3.9),
    weighing('S2', '2026-11-29', 4.78),
    weighing('Q', '2026-10-10', 6.0),
    measurement({
      child_id: 'Q',
      measured_on: '2026-11-10',
      weight_kg: 6.62,
      lenhei_cm: 62.0,
      zlen: -0.5,
      flen: 0,
    }),
    weighing('U', '2026-10-15', 10.0),
    weighing('U', '2026-11-14', 10.25),
  ];
  return { children, measurements };
}

// The lists month: posyandu pos-1, November 2026 (KMS month columns; z-scores given, as the reports only
// count them). Nine children under five, all registered at pos-1:
//  A1 Ani    P 2026-06-15 col 5  (0–5)   Sep 6.0 kg 61.0 cm; Oct 6.7 (col 4, +700 ≥ 600 N); Nov 12 7.0 kg
//            63.0 cm (col 5, +300 < 500 -> T); Nov z: zwei −1.8, zwfl −0.9, zlen −1.5          -> refer: T
//  B2 Budi   L 2025-08-10 col 15 (12–23) Sep 9.0; Oct 9.0 (+0 -> T); Nov 9.1 (+100 < 200 -> T): 2T;
//            Nov zwei −3.2 (BGM), zwfl −2.5 (gizi kurang), no length           -> refer: 2T, BGM, gizi kurang
//  C3 Citra  P 2024-11-20 col 24 (24–35) Oct 10.2; Nov 10.5 with 80.0 cm (+300 ≥ 200 -> N);
//            zlen −2.6 (pendek), zwfl −0.5, zwei −1.9                                     -> refer: pendek
//  D4 Dodi   L 2023-03-05 col 44 (36–59) last weighed 2026-09-07; address Krajan RW 1 RT 2, phone
//            -> home visit, 2 months since (two months or more)
//  E5 Eka    P 2025-02-01 col 21 (12–23) last weighed 2026-10-05; address Krajan RW 1 RT 1
//            -> home visit, 1 month since
//  F6 Fajar  L 2026-10-28 col 1  (0–5)   no Buku KIA, never weighed (born after 1 October: not yet two
//            months) -> home visit, no address (last in the walk)
//  G7 Gita   P 2022-12-10 col 47 (36–59) Oct 11.5 (first: B); Nov 11.0 with oedema (−500 -> T)
//            -> refer: T, gizi buruk (oedema)
//  H8 Hadi   L 2025-12-01 col 11 (6–11)  Nov 8.5 kg first weighing (B); length flagged (zlen −7, flen 1)
//            and its zwfl −3.62: no reason from a length to measure again (no gizi buruk)
//  I9 Ika    P 2026-04-20 col 7  (6–11)  last weighed 2026-09-14; address Sukamaju RW 2 RT 4
//            -> home visit, 2 months since
// SKDN: S 9, K 8 (not F6), D 5 (A1 B2 C3 G7 H8), N 1 (C3), T 3 (A1 B2 G7), O 0, B 1 (H8), D' 4, 2T 1 (B2),
// BGM 1 (B2); D/K = 5/8 = 62.5 %, BGM/D = 1/5 = 20 %.
// Referral list (most reasons first, then name): Budi [2T, BGM, gizi kurang], Gita [T, gizi buruk],
// Ani [T], Citra [pendek].
// Home visits (walk order dusun, RW, RT): Eka (Krajan 1/1), Dodi (Krajan 1/2), Ika (Sukamaju 2/4), Fajar.
// KPM 2.B (0–23 completed months on 1 November: A1 B2 C3 E5 F6 H8 I9; C3 is 23 months, KMS column 24):
//  Ani N, weighed, length, Kuning (−1.5), routine (Sep Oct Nov), 2 lengths in the year
//  Budi GK, weighed, no length, Tidak diukur, routine, 0 lengths
//  Citra S, weighed, length, Merah (−2.6), not routine (no September), 1 length
//  Eka –, Fajar –, Ika – : not weighed this month, Tidak diukur, not routine
//  Hadi –: weighed, length measured but flagged (Tidak diukur, z tidak layak), not routine, 1 length
// Indicators: 7 children, ditimbang rutin 2 (28.57 %), PB/TB ≥ 2× setahun 1 (14.29 %).
export function listsFixture(): ReportData {
  const children = [
    child({ id: 'A1', name: 'Ani', sex: 2, birth_date: '2026-06-15' }),
    child({ id: 'B2', name: 'Budi', sex: 1, birth_date: '2025-08-10' }),
    child({ id: 'C3', name: 'Citra', sex: 2, birth_date: '2024-11-20' }),
    child({ id: 'D4', name: 'Dodi', sex: 1, birth_date: '2023-03-05' }),
    child({ id: 'E5', name: 'Eka', sex: 2, birth_date: '2025-02-01' }),
    child({ id: 'F6', name: 'Fajar', sex: 1, birth_date: '2026-10-28', has_kia: 0 }),
    child({ id: 'G7', name: 'Gita', sex: 2, birth_date: '2022-12-10' }),
    child({ id: 'H8', name: 'Hadi', sex: 1, birth_date: '2025-12-01' }),
    child({ id: 'I9', name: 'Ika', sex: 2, birth_date: '2026-04-20' }),
  ];
  const m = measurement;
  const measurements = [
    m({ child_id: 'A1', measured_on: '2026-09-14', weight_kg: 6.0, lenhei_cm: 61.0, zlen: -1.2, flen: 0 }),
    weighing('A1', '2026-10-13', 6.7),
    m({
      child_id: 'A1',
      measured_on: '2026-11-12',
      weight_kg: 7.0,
      lenhei_cm: 63.0,
      zwei: -1.8,
      fwei: 0,
      zwfl: -0.9,
      fwfl: 0,
      zlen: -1.5,
      flen: 0,
    }),
    weighing('B2', '2026-09-09', 9.0),
    weighing('B2', '2026-10-08', 9.0),
    m({
      child_id: 'B2',
      measured_on: '2026-11-10',
      weight_kg: 9.1,
      zwei: -3.2,
      fwei: 0,
      zwfl: -2.5,
      fwfl: 0,
    }),
    weighing('C3', '2026-10-10', 10.2),
    m({
      child_id: 'C3',
      measured_on: '2026-11-10',
      weight_kg: 10.5,
      lenhei_cm: 80.0,
      zlen: -2.6,
      flen: 0,
      zwfl: -0.5,
      fwfl: 0,
      zwei: -1.9,
      fwei: 0,
    }),
    weighing('D4', '2026-09-07', 13.0),
    weighing('E5', '2026-10-05', 9.5),
    weighing('G7', '2026-10-06', 11.5),
    m({ child_id: 'G7', measured_on: '2026-11-09', weight_kg: 11.0, oedema: 1 }),
    m({
      child_id: 'H8',
      measured_on: '2026-11-11',
      weight_kg: 8.5,
      lenhei_cm: 50.0,
      zlen: -7,
      flen: 1,
      zwfl: -3.62,
      fwfl: 0,
      zwei: -1.0,
      fwei: 0,
    }),
    weighing('I9', '2026-09-14', 7.0),
  ];
  const addresses = new Map([
    ['D4', address('D4', { dusun: 'Krajan', rt: '2', rw: '1', phone: '081234567890' })],
    ['E5', address('E5', { dusun: 'Krajan', rt: '1', rw: '1', phone: null })],
    ['I9', address('I9', { dusun: 'Sukamaju', rt: '4', rw: '2', phone: null })],
  ]);
  return { children, measurements, addresses };
}
