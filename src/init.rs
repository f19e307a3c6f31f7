//! `pedoman init`: a new site that builds at once with the embedded default theme.

use std::io;
use std::path::Path;

const FILES: &[(&str, &str)] = &[
    (
        "config.yaml",
        "title: \"Pedoman Instansi Saya\"\n\
description: \"Panduan reformasi birokrasi untuk pegawai instansi kami.\"\n\
base_url: \"https://contoh.go.id\"\n\
language: id\n\
footer: \"Dikelola oleh Tim Reformasi Birokrasi.\"\n",
    ),
    (
        "content/_index.md",
        "---\ntitle: \"Beranda\"\ndescription: \"Mulai dari sini.\"\n---\n\n\
Selamat datang. Mulailah dengan [nilai dasar kami](nilai/_index.md).\n",
    ),
    (
        "content/nilai/_index.md",
        "---\ntitle: \"Nilai dasar\"\ndescription: \"Nilai yang kami pegang dalam bekerja.\"\nweight: 10\n---\n\n\
Bagian ini menjelaskan nilai dasar ASN di instansi kami.\n",
    ),
    (
        "content/nilai/berorientasi-pelayanan.md",
        "---\ntitle: \"Berorientasi Pelayanan\"\ndescription: \"Memahami dan memenuhi kebutuhan masyarakat.\"\n\
date: 2024-01-15\nweight: 10\ntags: [\"berakhlak\"]\n---\n\n\
## Perilaku yang diharapkan\n\n- Ramah, cekatan, dan solutif.\n- Terus memperbaiki layanan.\n\n\
> [!TIP]\n> Tanyakan kepada warga apa yang mereka butuhkan sebelum menjelaskan prosedur.\n\n\
### Cek diri\n\n- [ ] Saya membalas pertanyaan warga pada hari yang sama.\n",
    ),
];

/// Creates a starter site in `dir`, which must be absent or empty.
pub fn scaffold(dir: &Path) -> io::Result<()> {
    if dir.exists() && dir.read_dir()?.next().is_some() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, "the folder is not empty; choose a new folder"));
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("files have a folder"))?;
        std::fs::write(path, text)?;
    }
    std::fs::write(dir.join(".gitignore"), "/public\n")?;
    Ok(())
}
