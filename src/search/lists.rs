//! Word lists for the stemmer and the stop-word filter.
//!
//! We use no root dictionary. A dictionary-based confix stripper (Nazief–Adriani)
//! checks every candidate against a lexicon; we replace that lookup by a shape test
//! (syllables, onset) and by these short hand-written lists, which only settle the
//! cases the shape test cannot: which sound a nasal prefix replaced, and which
//! words merely look affixed. The browser gets the same lists: `js.rs` renders them into
//! `themes/pedoman/static/search-engine.js`, and a test keeps that file in step.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Function words dropped from the index and from queries, with the short and spoken
/// forms readers type on a phone (`yg`, `gimana`, `nggak`).
pub(super) const STOPWORDS: &str =
    "ada adalah adanya agak agar akan akankah akhirnya aku akulah amat amatlah anda andalah \
antar antara antaranya apa apaan apabila apakah apalagi apatah atau ataukah ataupun bagai bagaikan bagaimana \
bagaimanakah bagaimanapun bagi bahkan bahwa bahwasanya banyak beberapa begini begitu begitupun belum belumlah \
berapa berbagai bersama betapa biasanya bila bilamana bisa boleh bukan bukankah bukanlah dahulu dalam dan dapat \
dari daripada dekat demi demikian dengan di dia dialah diri dirinya dong dulu enggak entah guna hal hampir hanya \
hanyalah harus haruslah hingga ia ialah ini inilah itu itulah jadi jangan janganlah jika jikalau juga justru kah \
kalau kalaupun kalian kami kamilah kamu kamulah kan kapan karena karenanya kata ke kecuali kemudian kenapa kepada \
kepadanya ketika kini kita kitalah lagi lah lain lainnya lalu lebih maka makin malah mampu mana manakala manalagi \
masih masing masing-masing mau maupun melainkan melalui memang mengapa menjadi menurut mereka merekalah meski \
meskipun misalnya mungkin nah namun nanti nya oleh olehnya pada padahal padanya para pasti per pernah pula pun \
punya saat saja sama sambil sampai sana sangat saya sayalah se sebab sebagai sebagaimana sebaliknya sebelum \
sebelumnya sebenarnya seberapa sebetulnya sebuah secara sedang sedangkan sedikit segala segera sehingga sejak \
sekali sekalipun sekarang selagi selain selaku selalu selama seluruh semua semuanya sendiri seolah seorang \
sepanjang seperti sepertinya serta sesuatu sesudah setelah setiap siapa siapakah sini situ suatu sudah sudahlah \
supaya tadi tak tanpa tapi telah tentang tentu tentunya terhadap terlalu tersebut tetapi tiap tidak tidaklah toh \
ujar untuk walau walaupun ya yaitu yakni yang \
aja banget bgt blm deh dgn doang emang ga gak gimana gini gitu gk gmn jg kalo kayak klo kok krn lho loh mah \
nggak ngga nih pas sdh sih tdk tsb tuh udah udh utk yg";

/// Words that look affixed but are roots (or must stay whole for another reason).
/// Checked before every stripping step, so `keterampilan` stops at `terampil`.
pub(super) const KEEP: &str = "adalah akibat anggota bahasa bahwa bangsa belanja bentuk berani berat beras berita \
bersih bisa bupati delapan demikian digital digitalisasi diagram dialog dimensi dinamika dinamis dinas diploma \
diplomasi direktorat direktur disabilitas disiplin diskusi diskriminasi disrupsi distribusi divisi halaman \
istilah karyawan keluarga kelompok kemudian kepala kereta menteri mandiri masalah masyarakat \
negeri pedoman pegawai peduli pelangi peluang pemerintah pemilu pengaruh percaya perempuan perintah perilaku \
periksa perangkat perlu persen persepsi personel persentase perspektif pertama pesan pesawat pribadi relawan \
sejahtera sejarah sekolah sekretariat selamat selesai seleksi semangat sembilan semua sederhana segera sepakat \
sendiri setuju teman terampil terapi terima tetapi wartawan ketua keluar kelola keliling peran materi \
memori harmoni tirani pensiun penjara performance beri beranda sedia setia kenal keliru kelamin kerabat kecuali pelopor \
pemangku beritahu peramban periode sesuai teladan terap terbit terang terminal sementara semester sengaja senior \
senioritas seremoni seremonial serius selisih sekaligus kerja kembali pengadaan penghasilan sekretaris \
terorisme";

/// Roots beginning with m that take meN-/peN- (`memakan`, `pemanfaatan`): without
/// this list `mem-`+vowel restores p (`memakai` → `pakai`).
pub(super) const M_ROOTS: &str =
    "maaf madai mahal main maju makan maki makmur maklum makna maksud malu mampu manfaat mantap \
marah masak masuk masyarakat mati menang merdeka minat minta minum milik mimpi miskin mohon muat mudah mula mulai \
muncul mundur mungkin muda murah musnah";

/// Roots beginning with n that take meN-/peN- (`menilai`); otherwise `men-`+vowel restores t.
pub(super) const N_ROOTS: &str = "naik nama nanti nasihat negara nikah nikmat nilai nobat nomor nonaktif normal netral";

/// Roots beginning with ny (`menyatakan` → `nyata`); otherwise `meny-` restores s.
pub(super) const NY_ROOTS: &str = "nyala nyaman nyanyi nyata nyawa";

/// Roots beginning with k after `meng-`/`peng-`+a/i/u/o (`mengirim`); otherwise the
/// vowel-initial root is kept (`mengajar` → `ajar`). Before e the default is k.
pub(super) const K_ROOTS: &str = "kabar kaji kait kalah kampanye karang kategori kawal kikis kira kirim kisah kuasa \
kuat kukuh kumpul kunci kunjung kupas kuras kurang kurung kutip korban";

/// Roots beginning with a vowel after `meng-`/`peng-`+e (`mengerti`), where k would be the default.
pub(super) const E_ROOTS: &str = "edit eja ejek erti";

/// Roots beginning with r after `ber-`/`ter-`/`per-`+vowel (`berupa` → `rupa`);
/// otherwise the whole `ber` goes (`berasal` → `asal`).
pub(super) const R_ROOTS: &str =
    "ragam rajin rancang rangka rangkai rantai rasa rawat rekat rekrut rencana risiko ringan rugi \
rumah rumus runding rundung rupa ruang";

/// Roots ending in a that take -i (`menghargai` → `harga`). Otherwise a final -ai
/// stays (`pakai`, `nilai`, `sampai`).
pub(super) const AI_ROOTS: &str = "biaya cinta dana harga kena kepala ketua kuasa makna minta nama percaya punya rasa \
serta suka tanda tanya warna";

/// Roots ending in s that take -i (`mengawasi` → `awas`). Otherwise a final -si is
/// part of the word (`kompetensi`, `birokrasi`).
pub(super) const SI_ROOTS: &str = "atas awas balas batas habis kemas landas lapis tangis tugas waris";

/// Roots ending in k that take -an after a vowel (`gerakan` → `gerak`); otherwise
/// `-kan` goes (`gunakan` → `guna`).
pub(super) const K_FINAL: &str = "balik bentuk cetak cocok didik duduk gerak ketuk masak masuk naik pilih tarik \
tembak teriak tumpuk tusuk untuk";

/// Roots of one syllable that may stand after di-, meN- or peN- (`dicek`,
/// `mengecek`); never after ke-, se-, ber-, ter-, per- (`kelas`, `ketik` are roots).
pub(super) const MONO: &str = "bom cat cek klik las pel pos rem tes tik";

/// Roots whose ending looks like a particle or possessive (`masalah`, `perilaku`):
/// the particle is not stripped from a word ending in one of these.
pub(super) const CLITIC_ROOTS: &str = "allah aku bilah baku belah berkah buku celah galah istilah jamu jumlah kalah \
kamu kilah laku langkah lelah masalah naskah nikah olah perilaku pilah punya ramu rumpun saku salah sedekah \
sekolah semu suku tamu tanya telah temu himpun ampun";

/// Whole-word stems that the rules cannot reach (a prefix stacked on `ke-` inside meN-).
pub(super) const SPECIAL: &str = "mengetahui:tahu pengetahuan:tahu ketahui:tahu";

fn set(words: &'static str) -> HashSet<&'static str> {
    words.split_whitespace().collect()
}

macro_rules! list_fn {
    ($name:ident, $src:ident) => {
        pub(crate) fn $name() -> &'static HashSet<&'static str> {
            static CELL: OnceLock<HashSet<&'static str>> = OnceLock::new();
            CELL.get_or_init(|| set($src))
        }
    };
}

list_fn!(stopwords, STOPWORDS);
list_fn!(keep, KEEP);
list_fn!(m_roots, M_ROOTS);
list_fn!(n_roots, N_ROOTS);
list_fn!(ny_roots, NY_ROOTS);
list_fn!(k_roots, K_ROOTS);
list_fn!(e_roots, E_ROOTS);
list_fn!(r_roots, R_ROOTS);
list_fn!(ai_roots, AI_ROOTS);
list_fn!(si_roots, SI_ROOTS);
list_fn!(mono, MONO);

pub(super) fn k_final() -> &'static [&'static str] {
    static CELL: OnceLock<Vec<&'static str>> = OnceLock::new();
    CELL.get_or_init(|| K_FINAL.split_whitespace().collect())
}

pub(super) fn clitic_roots() -> &'static [&'static str] {
    static CELL: OnceLock<Vec<&'static str>> = OnceLock::new();
    CELL.get_or_init(|| CLITIC_ROOTS.split_whitespace().collect())
}

pub(super) fn special(word: &str) -> Option<&'static str> {
    SPECIAL.split_whitespace().find_map(|pair| {
        let (w, s) = pair.split_once(':')?;
        (w == word).then_some(s)
    })
}
