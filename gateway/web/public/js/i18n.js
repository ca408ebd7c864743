// @ts-check
// Words of the screens in Bahasa Indonesia (default) and English, and the way each language writes
// numbers and dates (28 November 2026 / 28 Nov 2026; decimal comma in Indonesian).

/** @import { Lang } from './contract' */

const dictionaries = {
  id: {
    'nav.measure': 'Ukur anak',
    'nav.today': 'Hari ini',
    'nav.search': 'Cari anak',
    'nav.pins': 'PIN',
    'nav.reports': 'Laporan',
    'reports.title': 'Laporan posyandu',
    'reports.kind': 'Jenis laporan',
    'reports.skdn': 'SKDN',
    'reports.recap': 'Rekap tikar (KPM)',
    'reports.prevalence': 'Prevalensi',
    'reports.about.skdn':
      'Balita terdaftar (S), punya Buku KIA/KMS (K), ditimbang (D), naik berat badan (N) bulan ini, dengan daftar anak dan 2T.',
    'reports.about.recap':
      'Daftar bulanan anak 0–23 bulan dengan hasil tikar, dan tabel 3 bulanan Hijau / Kuning / Merah / Tidak diukur untuk musyawarah desa.',
    'reports.about.prevalence':
      'Stunting, sangat pendek, wasting dan berat badan kurang: jumlah, persen dan selang kepercayaan 95 %, dengan tren 12 bulan.',
    'reports.month': 'Bulan',
    'reports.year': 'Tahun',
    'reports.quarter': 'Tabel 3 bulanan: triwulan {q} ({from} – {to} {y})',
    'reports.print': 'Cetak (A4)',
    'reports.open': 'Buka di tab baru',
    'reports.csv': 'Unduh CSV',
    'reports.pdf': 'Unduh PDF (A4)',
    'reports.csv.monthly': 'CSV daftar bulanan',
    'reports.csv.quarter': 'CSV tabel 3 bulanan',
    'reports.csv.quarterChildren': 'CSV anak per triwulan',
    'reports.loading': 'Memuat laporan…',
    'screen.loading': 'Memuat…',
    'reports.failed': 'Laporan tidak dapat ditampilkan. Coba lagi.',
    'reports.frame': 'Laporan {name}, {month}',
    'reports.language': 'Laporan ditulis dalam Bahasa Indonesia, seperti formulir posyandu.',
    'reports.exports': 'Ekspor data bulan ini (e-PPGBM, SATUSEHAT)',
    'reports.exports.note':
      'e-PPGBM berisi nama dan NIK anak: simpan dan bagikan seperlunya. FHIR untuk SATUSEHAT tanpa nama dan NIK.',
    'reports.eppgbmCsv': 'e-PPGBM (CSV)',
    'reports.eppgbmXlsx': 'e-PPGBM (Excel)',
    'reports.fhir': 'SATUSEHAT (FHIR JSON)',
    'error.reports_unavailable': 'Laporan belum disiapkan di gateway ini.',
    'top.logout': 'Keluar',
    'role.kader': 'Kader',
    'role.bidan': 'Bidan',
    'role.admin': 'Admin',
    'login.title': 'Masuk',
    'login.lead': 'Pilih peran Anda, lalu masukkan PIN.',
    'login.product': 'Tikar pertumbuhan pintar untuk posyandu',
    'login.privacy': 'Data anak disimpan di gateway posyandu ini; PIN tidak pernah disimpan terbuka.',
    'login.pin': 'PIN',
    'login.submit': 'Masuk',
    'login.wrong': 'PIN salah. Coba lagi.',
    'login.wait': 'Terlalu banyak PIN salah. Tunggu {s} detik.',
    'error.network': 'Gateway tidak menjawab. Periksa Wi-Fi posyandu.',
    'error.generic': 'Terjadi kesalahan: {msg}',
    'error.invalid_input': 'Isian belum benar ({msg}).',
    'error.not_found': 'Data tidak ditemukan.',
    'error.clock_untrusted': 'Jam gateway belum dikonfirmasi: umur anak belum bisa dihitung.',
    'error.session_state': 'Pengukuran belum lengkap.',
    'error.mat_unavailable': 'Alat ukur sedang dipakai anak lain atau belum siap. Coba lagi sebentar.',
    'error.conflict': 'Data ini sudah diubah orang lain. Muat ulang halaman.',
    'search.title': 'Cari atau daftarkan anak',
    'search.label': 'Nama anak atau ibu',
    'search.placeholder': 'contoh: Siti, Joko',
    'search.none': 'Tidak ada anak dengan nama itu.',
    'search.register': '+ Daftarkan anak baru',
    'search.measure': 'Ukur',
    'search.open': 'Grafik',
    'search.hint': 'Ejaan tidak harus tepat (oe/u, dj/j).',
    'search.byMother': 'cocok dengan nama ibu',
    'register.title': 'Daftarkan anak baru',
    'register.name': 'Nama anak',
    'register.sex': 'Jenis kelamin',
    'register.boy': 'Laki-laki',
    'register.girl': 'Perempuan',
    'register.birth': 'Tanggal lahir',
    'register.day': 'Tgl',
    'register.month': 'Bulan',
    'register.year': 'Tahun',
    'register.badDate':
      'Tanggal lahir belum benar: isi tanggal, bulan dan tahun (tidak boleh di masa depan).',
    'register.nik': 'NIK anak (boleh kosong)',
    'register.nikHint': '16 angka, seperti di Kartu Keluarga atau akta kelahiran.',
    'register.nikBad': 'NIK harus 16 angka (terisi {n}). Kosongkan bila belum ada.',
    'register.needName': 'Isi nama anak.',
    'register.needSex': 'Pilih jenis kelamin.',
    'register.needMother': 'Isi nama ibu.',
    'register.tooOld':
      'Anak ini sudah lebih dari {m} bulan. Posyandu ini mencatat anak sampai umur {m} bulan: periksa tahun lahir.',
    'register.duplicate': 'Anak ini sudah terdaftar (nama, tanggal lahir dan nama ibu sama).',
    'register.duplicateOpen': 'Ukur anak yang terdaftar',
    'register.duplicateAnyway': 'Ini anak lain, tetap daftarkan',
    'register.mother': 'Nama ibu',
    'register.kia': 'Punya Buku KIA / KMS',
    'register.submit': 'Daftarkan',
    'register.cancel': 'Batal',
    'measure.position': 'Posisi ukur',
    'measure.lying': 'Terlentang (PB)',
    'measure.standing': 'Berdiri (TB)',
    'measure.suggestLying': 'Disarankan terlentang: umur di bawah 24 bulan.',
    'measure.suggestStanding': 'Disarankan berdiri: umur 24 bulan ke atas.',
    'measure.start': 'Mulai ukur',
    'measure.length': 'Panjang/tinggi badan',
    'measure.lengthLying': 'Panjang badan (terlentang)',
    'measure.lengthStanding': 'Tinggi badan (berdiri)',
    'measure.weight': 'Berat badan',
    'measure.moving': 'Tunggu, bayi bergerak',
    'measure.stable': 'Stabil',
    'measure.locked': 'Terkunci (bip)',
    'measure.noValue': 'Belum ada bacaan',
    'measure.reading': 'Pengukuran {n}',
    'measure.readingThird': 'Pengukuran 3 (selisih lebih dari 7 mm)',
    'measure.pending': 'belum',
    'measure.diff': 'Selisih {d} mm',
    'measure.result': 'Hasil (rata-rata dua terdekat): {v}',
    'measure.weightManual': 'Berat dari timbangan (kg)',
    'measure.weightSet': 'Simpan berat',
    'measure.weightNumber': 'Isi berat dalam kg, misalnya {example}.',
    'measure.save': 'Simpan hasil',
    'measure.again': 'Ulangi pengukuran',
    'measure.cancel': 'Batal',
    'measure.saveBlocked': 'Belum bisa disimpan',
    'busy.title': 'Alat ukur sedang dipakai',
    'busy.who': 'Sesi ukur {name}, dimulai pukul {time}.',
    'busy.readings': '{n} pengukuran sudah terkunci, belum disimpan.',
    'busy.noScreen':
      'Layarnya sudah tertutup (terakhir terlihat pukul {time}). Lanjutkan sesi itu di HP ini, atau batalkan agar tikar bisa dipakai.',
    'busy.otherScreen': 'Sesi itu masih terbuka di HP lain. Tunggu sampai selesai disimpan atau dibatalkan.',
    'busy.continue': 'Lanjutkan',
    'busy.cancel': 'Batalkan',
    'mat.disconnected':
      'Alat ukur (tikar) tidak tersambung. Periksa kabel USB ke gateway. Hasil tidak bisa disimpan.',
    'mat.uncalibrated':
      'Alat ukur belum dikalibrasi. Minta admin mengkalibrasi dengan batang acuan. Hasil tidak bisa disimpan.',
    'mat.check_failed':
      'Alat ukur gagal cek batang acuan. Minta admin mengkalibrasi ulang. Hasil tidak bisa disimpan.',
    'mat.expired':
      'Kalibrasi alat ukur sudah kedaluwarsa. Hasil tetap bisa disimpan, tetapi minta admin segera mengkalibrasi ulang.',
    'mat.none': 'Belum ada alat ukur tersambung.',
    'clock.title': 'Jam gateway tampak salah',
    'clock.ask': 'Apakah tanggal dan jam di HP ini benar?',
    'clock.phone': 'Jam HP: {t}',
    'clock.gateway': 'Jam gateway: {t}',
    'clock.confirm': 'Ya, pakai jam HP ini',
    'clock.blocked': 'Umur anak tidak dihitung sampai jam dikonfirmasi.',
    'result.title': 'Hasil pengukuran',
    'result.age': 'Umur',
    'result.date': 'Tanggal ukur',
    'result.length': 'Panjang badan',
    'result.height': 'Tinggi badan',
    'result.weight': 'Berat badan',
    'result.lying': 'terlentang',
    'result.standing': 'berdiri',
    'result.corrected': 'dihitung sebagai {v} (koreksi posisi 0,7 cm)',
    'result.reference': 'Acuan: Standar WHO 2006, Permenkes No. 2 Tahun 2020',
    'result.reference2007':
      'Anak PAUD (5–7 tahun). Acuan: WHO Reference 2007, Permenkes No. 2 Tahun 2020 (5–18 tahun)',
    'result.remeasure': 'Ukur ulang: nilai tidak masuk akal',
    'result.since': 'Sejak {date} ({days} hari): panjang {len}, berat {wt}',
    'result.trend.N': 'N — berat naik',
    'result.trend.T': 'T — berat tidak naik',
    'result.trend.O': 'O — bulan lalu tidak ditimbang',
    'result.trend.B': 'B — kunjungan pertama',
    'result.openChild': 'Lihat grafik pertumbuhan',
    'result.remeasureButton': 'Ukur ulang',
    'delivery.pending': 'Tersimpan di gateway; akan dikirim ke catatan desa.',
    'delivery.sent': 'Tersimpan di gateway; terkirim, menunggu tanda terima desa.',
    'delivery.delivered': 'Tersimpan di gateway dan diterima catatan desa.',
    'delivery.local': 'Tersimpan di gateway.',
    'result.next': 'Ukur anak berikutnya',
    'index.tbu.l': 'PB/U',
    'index.tbu.h': 'TB/U',
    'index.bbu': 'BB/U',
    'index.bbtb.l': 'BB/PB',
    'index.bbtb.h': 'BB/TB',
    'index.imtu': 'IMT/U',
    'index.imtu_5_18': 'IMT/U (5–18 th)',
    'today.title': 'Hari ini',
    'today.count': '{n} anak diukur · {m} perlu perhatian',
    'abbr.l': 'PB',
    'abbr.h': 'TB',
    'abbr.weight': 'BB',
    'today.empty': 'Belum ada anak diukur hari ini.',
    'today.refer': 'Perlu perhatian bidan',
    'today.ok': 'Tidak ada tanda bahaya',
    'today.mat': 'Tikar',
    'today.new': 'Baru',
    'today.latest': 'Baru saja disimpan',
    'today.latestMore': 'Lihat hasil lengkap',
    'today.matRemeasure': 'ukur ulang',
    'mat.hijau': 'Hijau',
    'mat.kuning': 'Kuning',
    'mat.merah': 'Merah',
    'mat.tidak-diukur': 'Tidak diukur',
    'child.title': 'Grafik pertumbuhan',
    'child.born': 'Lahir {date}',
    'child.mother': 'Ibu: {name}',
    'child.print': 'Cetak (A4)',
    'child.printed': 'Dicetak {date} · Posyandu {posyandu} · Tikar',
    'child.history': 'Riwayat pengukuran',
    'child.noMeasurements': 'Belum ada pengukuran.',
    'child.corrected': 'dikoreksi',
    'child.correction': 'koreksi: {reason}',
    'child.measure': 'Ukur anak ini',
    'child.correct': 'Koreksi',
    'child.correctTitle': 'Koreksi pengukuran {date}',
    'child.correctLead': 'Nilai lama tetap disimpan; koreksi menjadi baris baru.',
    'child.correctReason': 'Alasan koreksi',
    'child.correctSave': 'Simpan koreksi',
    'child.correctCancel': 'Batal',
    'child.correctNeedReason': 'Tulis alasan koreksi.',
    'child.correctNumber': 'Isi angka, misalnya {example}.',
    'chart.lhfa': 'PB/U · TB/U',
    'chart.wfa': 'BB/U',
    'chart.wfl': 'BB/PB',
    'chart.wfh': 'BB/TB',
    'chart.hfa2007': 'TB/U 5–7 th',
    'chart.bfa2007': 'IMT/U 5–7 th',
    'table.date': 'Tanggal',
    'table.age': 'Umur',
    'table.length': 'PB/TB',
    'table.weight': 'BB',
    'table.status': 'Status',
    'pins.title': 'Ganti PIN',
    'pins.role': 'Peran',
    'pins.new': 'PIN baru (4–12 angka)',
    'pins.save': 'Simpan PIN',
    'pins.saved': 'PIN {role} diganti.',
    'sex.1': 'Laki-laki',
    'sex.2': 'Perempuan',
    'age.text': '{m} bulan {d} hari',
    'age.short': '{m} bln {d} hr',
    'live.lost': 'Sambungan langsung terputus, mencoba lagi…',
  },
  en: {
    'nav.measure': 'Measure',
    'nav.today': 'Today',
    'nav.search': 'Find child',
    'nav.pins': 'PINs',
    'nav.reports': 'Reports',
    'reports.title': 'Posyandu reports',
    'reports.kind': 'Report',
    'reports.skdn': 'SKDN',
    'reports.recap': 'Growth-mat recap (KPM)',
    'reports.prevalence': 'Prevalence',
    'reports.about.skdn':
      'Children registered (S), with a Buku KIA/KMS (K), weighed (D), gaining enough weight (N) this month, with the list of children and 2T.',
    'reports.about.recap':
      'The monthly list of children 0–23 months with their growth-mat result, and the 3-monthly Hijau / Kuning / Merah / not measured table for the village meeting.',
    'reports.about.prevalence':
      'Stunting, severe stunting, wasting and underweight: counts, percent and 95 % confidence interval, with the 12-month trend.',
    'reports.month': 'Month',
    'reports.year': 'Year',
    'reports.quarter': '3-monthly table: quarter {q} ({from} – {to} {y})',
    'reports.print': 'Print (A4)',
    'reports.open': 'Open in a new tab',
    'reports.csv': 'Download CSV',
    'reports.pdf': 'Download PDF (A4)',
    'reports.csv.monthly': 'CSV monthly list',
    'reports.csv.quarter': 'CSV 3-monthly table',
    'reports.csv.quarterChildren': 'CSV children of the quarter',
    'reports.loading': 'Loading the report…',
    'screen.loading': 'Loading…',
    'reports.failed': 'The report could not be shown. Try again.',
    'reports.frame': '{name} report, {month}',
    'reports.language': 'Reports are written in Indonesian, like the posyandu forms.',
    'reports.exports': "Export this month's data (e-PPGBM, SATUSEHAT)",
    'reports.exports.note':
      "e-PPGBM holds the children's names and NIK: keep and share it only as needed. The FHIR file for SATUSEHAT has no names or NIK.",
    'reports.eppgbmCsv': 'e-PPGBM (CSV)',
    'reports.eppgbmXlsx': 'e-PPGBM (Excel)',
    'reports.fhir': 'SATUSEHAT (FHIR JSON)',
    'error.reports_unavailable': 'Reports are not set up on this gateway.',
    'top.logout': 'Log out',
    'role.kader': 'Kader',
    'role.bidan': 'Midwife',
    'role.admin': 'Admin',
    'login.title': 'Log in',
    'login.lead': 'Choose your role, then enter the PIN.',
    'login.product': 'The smart growth mat for the posyandu',
    'login.privacy': "Children's data are kept on this posyandu's gateway; PINs are never stored in clear.",
    'login.pin': 'PIN',
    'login.submit': 'Log in',
    'login.wrong': 'Wrong PIN. Try again.',
    'login.wait': 'Too many wrong PINs. Wait {s} seconds.',
    'error.network': 'The gateway does not answer. Check the posyandu Wi-Fi.',
    'error.generic': 'Something went wrong: {msg}',
    'error.invalid_input': 'Please check the form ({msg}).',
    'error.not_found': 'Not found.',
    'error.clock_untrusted': "The gateway's clock is not confirmed yet: ages cannot be computed.",
    'error.session_state': 'The measurement is not complete yet.',
    'error.mat_unavailable': 'The mat is busy with another child or not ready. Try again shortly.',
    'error.conflict': 'Someone else changed this. Reload the page.',
    'search.title': 'Find or register a child',
    'search.label': "Child's or mother's name",
    'search.placeholder': 'e.g. Siti, Joko',
    'search.none': 'No child with that name.',
    'search.register': '+ Register a new child',
    'search.measure': 'Measure',
    'search.open': 'Chart',
    'search.hint': 'Spelling need not be exact (oe/u, dj/j).',
    'search.byMother': "matches the mother's name",
    'register.title': 'Register a new child',
    'register.name': "Child's name",
    'register.sex': 'Sex',
    'register.boy': 'Boy',
    'register.girl': 'Girl',
    'register.birth': 'Date of birth',
    'register.day': 'Day',
    'register.month': 'Month',
    'register.year': 'Year',
    'register.badDate': 'The date of birth is not complete: day, month and year (not in the future).',
    'register.nik': "Child's NIK (optional)",
    'register.nikHint': '16 digits, as on the family card or the birth certificate.',
    'register.nikBad': 'The NIK has 16 digits ({n} typed). Leave it empty if there is none yet.',
    'register.needName': "Type the child's name.",
    'register.needSex': 'Choose the sex.',
    'register.needMother': "Type the mother's name.",
    'register.tooOld':
      'This child is older than {m} months. This posyandu records children up to {m} months: check the year of birth.',
    'register.duplicate': 'This child is already registered (same name, date of birth and mother).',
    'register.duplicateOpen': 'Measure the registered child',
    'register.duplicateAnyway': 'This is another child, register anyway',
    'register.mother': "Mother's name",
    'register.kia': 'Has a Buku KIA / KMS',
    'register.submit': 'Register',
    'register.cancel': 'Cancel',
    'measure.position': 'Position',
    'measure.lying': 'Lying (length)',
    'measure.standing': 'Standing (height)',
    'measure.suggestLying': 'Lying suggested: under 24 months.',
    'measure.suggestStanding': 'Standing suggested: 24 months or older.',
    'measure.start': 'Start measuring',
    'measure.length': 'Length/height',
    'measure.lengthLying': 'Length (lying)',
    'measure.lengthStanding': 'Height (standing)',
    'measure.weight': 'Weight',
    'measure.moving': 'Wait, the baby is moving',
    'measure.stable': 'Stable',
    'measure.locked': 'Locked (beep)',
    'measure.noValue': 'No reading yet',
    'measure.reading': 'Reading {n}',
    'measure.readingThird': 'Reading 3 (differ by more than 7 mm)',
    'measure.pending': 'pending',
    'measure.diff': 'Difference {d} mm',
    'measure.result': 'Result (mean of the two closest): {v}',
    'measure.weightManual': 'Weight from the scale (kg)',
    'measure.weightSet': 'Set weight',
    'measure.weightNumber': 'Type the weight in kg, e.g. {example}.',
    'measure.save': 'Save result',
    'measure.again': 'Measure again',
    'measure.cancel': 'Cancel',
    'measure.saveBlocked': 'Cannot be saved yet',
    'busy.title': 'The mat is in use',
    'busy.who': "{name}'s measuring session, started at {time}.",
    'busy.readings': '{n} reading(s) locked, not saved yet.',
    'busy.noScreen':
      'Its screen was closed (last seen at {time}). Continue that session on this phone, or cancel it to free the mat.',
    'busy.otherScreen': 'That session is still open on another phone. Wait until it is saved or cancelled.',
    'busy.continue': 'Continue',
    'busy.cancel': 'Cancel it',
    'mat.disconnected':
      'The mat is not connected. Check its USB cable to the gateway. Results cannot be saved.',
    'mat.uncalibrated':
      'The mat is not calibrated. Ask the admin to calibrate it with the reference rod. Results cannot be saved.',
    'mat.check_failed':
      'The mat failed its reference-rod check. Ask the admin to calibrate it again. Results cannot be saved.',
    'mat.expired':
      "The mat's calibration has expired. Results can still be saved, but ask the admin to calibrate it again soon.",
    'mat.none': 'No mat connected yet.',
    'clock.title': "The gateway's clock looks wrong",
    'clock.ask': 'Are the date and time on this phone right?',
    'clock.phone': 'Phone time: {t}',
    'clock.gateway': 'Gateway time: {t}',
    'clock.confirm': "Yes, use this phone's time",
    'clock.blocked': 'Ages are not computed until the time is confirmed.',
    'result.title': 'Measurement result',
    'result.age': 'Age',
    'result.date': 'Measured on',
    'result.length': 'Length',
    'result.height': 'Height',
    'result.weight': 'Weight',
    'result.lying': 'lying',
    'result.standing': 'standing',
    'result.corrected': 'counted as {v} (0.7 cm position correction)',
    'result.reference': 'Reference: WHO 2006 standards, Permenkes No. 2/2020',
    'result.reference2007':
      'PAUD child (5–7 years). Reference: WHO Reference 2007, Permenkes No. 2/2020 (5–18 years)',
    'result.remeasure': 'Measure again: implausible value',
    'result.since': 'Since {date} ({days} days): length {len}, weight {wt}',
    'result.trend.N': 'N — weight up',
    'result.trend.T': 'T — weight not up',
    'result.trend.O': 'O — not weighed last month',
    'result.trend.B': 'B — first visit',
    'result.openChild': 'Open the growth chart',
    'result.remeasureButton': 'Measure again',
    'delivery.pending': 'Saved on the gateway; will be sent to the village record.',
    'delivery.sent': 'Saved on the gateway; sent, waiting for the village receipt.',
    'delivery.delivered': 'Saved on the gateway and received by the village record.',
    'delivery.local': 'Saved on the gateway.',
    'result.next': 'Measure the next child',
    'index.tbu.l': 'Length-for-age',
    'index.tbu.h': 'Height-for-age',
    'index.bbu': 'Weight-for-age',
    'index.bbtb.l': 'Weight-for-length',
    'index.bbtb.h': 'Weight-for-height',
    'index.imtu': 'BMI-for-age',
    'index.imtu_5_18': 'BMI-for-age (5–18 y)',
    'today.title': 'Today',
    'today.count': 'Measured: {n} · need attention: {m}',
    'abbr.l': 'length',
    'abbr.h': 'height',
    'abbr.weight': 'weight',
    'today.empty': 'No child measured today yet.',
    'today.refer': 'Needs the midwife',
    'today.ok': 'No danger signs',
    'today.mat': 'Mat',
    'today.new': 'New',
    'today.latest': 'Just saved',
    'today.latestMore': 'Show the full result',
    'today.matRemeasure': 'measure again',
    'mat.hijau': 'Green',
    'mat.kuning': 'Yellow',
    'mat.merah': 'Red',
    'mat.tidak-diukur': 'Not measured',
    'child.title': 'Growth chart',
    'child.born': 'Born {date}',
    'child.mother': 'Mother: {name}',
    'child.print': 'Print (A4)',
    'child.printed': 'Printed {date} · Posyandu {posyandu} · Tikar',
    'child.history': 'Measurements',
    'child.noMeasurements': 'No measurements yet.',
    'child.corrected': 'corrected',
    'child.correction': 'correction: {reason}',
    'child.measure': 'Measure this child',
    'child.correct': 'Correction',
    'child.correctTitle': 'Correct the measurement of {date}',
    'child.correctLead': 'The old values are kept; the correction becomes a new row.',
    'child.correctReason': 'Reason for the correction',
    'child.correctSave': 'Save correction',
    'child.correctCancel': 'Cancel',
    'child.correctNeedReason': 'Write the reason for the correction.',
    'child.correctNumber': 'Type a number, e.g. {example}.',
    'chart.lhfa': 'Length/height',
    'chart.wfa': 'Weight-for-age',
    'chart.wfl': 'Weight-for-length',
    'chart.wfh': 'Weight-for-height',
    'chart.hfa2007': 'Height 5–7 y',
    'chart.bfa2007': 'BMI 5–7 y',
    'table.date': 'Date',
    'table.age': 'Age',
    'table.length': 'Length',
    'table.weight': 'Weight',
    'table.status': 'Status',
    'pins.title': 'Change a PIN',
    'pins.role': 'Role',
    'pins.new': 'New PIN (4–12 digits)',
    'pins.save': 'Save PIN',
    'pins.saved': 'PIN for {role} changed.',
    'sex.1': 'Boy',
    'sex.2': 'Girl',
    'age.text': '{m} {months} {d} {days}',
    'age.short': '{m} mo {d} d',
    'live.lost': 'Live connection lost, retrying…',
  },
};

/** @typedef {keyof typeof dictionaries.id} Key a word of the screens */
/** @type {Record<Lang, Partial<Record<Key, string>>>} English falls back to Bahasa Indonesia word by word */
const words = dictionaries;

/** @type {Record<Lang, string[]>} */
const monthsLong = {
  id: [
    'Januari',
    'Februari',
    'Maret',
    'April',
    'Mei',
    'Juni',
    'Juli',
    'Agustus',
    'September',
    'Oktober',
    'November',
    'Desember',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
};
/** @type {Record<Lang, string[]>} */
const monthsShort = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

/** @type {Lang} */
let lang = localStorage.getItem('tikar.lang') === 'en' ? 'en' : 'id';

/** Month names in the current language, January first. */
export function monthNames() {
  return monthsLong[lang];
}

export function getLang() {
  return lang;
}

/** @param {string} next `en` or anything else for Bahasa Indonesia */
export function setLang(next) {
  lang = next === 'en' ? 'en' : 'id';
  localStorage.setItem('tikar.lang', lang);
  document.documentElement.lang = lang;
}

/**
 * @param {string} key
 * @returns {key is Key}
 */
function isKey(key) {
  return Object.hasOwn(dictionaries.id, key);
}

/**
 * The text for `key` in the current language, with `{name}` placeholders filled from `vars`.
 * @param {Key} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars = {}) {
  const text = words[lang][key] ?? dictionaries.id[key];
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? `{${name}}`));
}

/** Plain words for a failed API call: the known error codes in the current language, else the message. */
/** @param {{ code: string, message: string }} result a failed call (ApiFailure) */
export function errorText(result) {
  if (result.code === 'network') return t('error.network');
  const key = `error.${result.code}`;
  return isKey(key) && key in words[lang]
    ? t(key, { msg: result.message })
    : t('error.generic', { msg: result.message });
}

/** A number with `decimals` places: "67,4" in Indonesian, "67.4" in English; a real minus sign. */
/**
 * @param {number | null | undefined} value
 * @param {number} decimals
 */
export function fmtNumber(value, decimals) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = Math.abs(value).toFixed(decimals);
  const localised = lang === 'id' ? text.replace('.', ',') : text;
  return value < 0 && Number(text) !== 0 ? `−${localised}` : localised;
}

/** A number typed by the user: "7,5" or "7.5" → 7.5; empty → null; anything else → NaN. */
/** @param {string | null | undefined} text */
export function parseNumber(text) {
  const trimmed = String(text ?? '').trim();
  if (trimmed === '') return null;
  return /^\d+([.,]\d+)?$/.test(trimmed) ? Number(trimmed.replace(',', '.')) : Number.NaN;
}

/** A z-score with its sign: "−2,45", "+0,30". */
/** @param {number | null | undefined} z */
export function fmtZ(z) {
  if (z === null || z === undefined || !Number.isFinite(z)) return '—';
  return z > 0 ? `+${fmtNumber(z, 2)}` : fmtNumber(z, 2);
}

/** "2026-11-28" or an ISO instant → "28 November 2026" (long) or "28 Nov 2026" (short). */
/**
 * @param {string | null | undefined} iso
 * @param {'long' | 'short'} [style]
 */
export function fmtDate(iso, style = 'long') {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  if (!match) return '—';
  const [, y, m, d] = match;
  const names = style === 'short' ? monthsShort[lang] : monthsLong[lang];
  return `${Number(d)} ${names[Number(m) - 1]} ${y}`;
}

/** A local Date → "28 November 2026 10.15" (Indonesian writes the time with a dot). */
/** @param {Date} date */
export function fmtDateTime(date) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const sep = lang === 'id' ? '.' : ':';
  return `${fmtDate(day)} ${pad(date.getHours())}${sep}${pad(date.getMinutes())}`;
}

/** An ISO instant → the phone's local time of day: "10.15" (Indonesian), "10:15" (English). */
/** @param {string} iso */
export function fmtTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}${lang === 'id' ? '.' : ':'}${pad(date.getMinutes())}`;
}

/** Completed months and remaining days between two YYYY-MM-DD dates, counted on the calendar. */
/**
 * @param {string} birthIso
 * @param {string} onIso
 * @returns {{ months: number, days: number } | undefined} undefined when `onIso` is before the birth
 */
export function calendarAge(birthIso, onIso) {
  const [by = 0, bm = 0, bd = 0] = birthIso.split('-').map(Number);
  const [oy = 0, om = 0, od = 0] = onIso.split('-').map(Number);
  let months = (oy - by) * 12 + (om - bm);
  let days = od - bd;
  if (days < 0) {
    months -= 1;
    const daysInPrevMonth = new Date(Date.UTC(oy, om - 1, 0)).getUTCDate();
    days += Math.max(daysInPrevMonth, bd);
  }
  return months < 0 ? undefined : { months, days };
}

/** "8 bulan 12 hari" / "8 months 12 days". */
/**
 * @param {string} birthIso
 * @param {string} onIso
 * @param {'long' | 'short'} [style]
 */
export function fmtAge(birthIso, onIso, style = 'long') {
  const age = calendarAge(birthIso, onIso);
  if (!age) return '—';
  // English counts in the singular for one ("1 month 1 day"); Indonesian has no plural.
  const plural = (/** @type {number} */ n, /** @type {string} */ one, /** @type {string} */ many) =>
    n === 1 ? one : many;
  return t(style === 'short' ? 'age.short' : 'age.text', {
    m: age.months,
    d: age.days,
    months: plural(age.months, 'month', 'months'),
    days: plural(age.days, 'day', 'days'),
  });
}

/** Today's local date as YYYY-MM-DD (the phone's clock). */
export function todayIso() {
  const now = new Date();
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The phone's time as ISO 8601 with its UTC offset (what the gateway compares its clock with). */
/** @param {Date} [date] */
export function phoneTimeIso(date = new Date()) {
  const pad = (/** @type {number} */ n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const offsetMin = -date.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const local = new Date(date.getTime() + offsetMin * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${pad(offsetMin / 60)}:${pad(offsetMin % 60)}`;
}
