//! OpenSSL cipher strings, by OpenSSL 1.1.1's rules (`ssl_cipher_process_rulestr`).

// Key exchange.
const K_RSA: u32 = 1;
const K_DHE: u32 = 1 << 1;
const K_ECDHE: u32 = 1 << 2;
const K_PSK: u32 = 1 << 3;
const K_ECDHEPSK: u32 = 1 << 4;
const K_DHEPSK: u32 = 1 << 5;
const K_RSAPSK: u32 = 1 << 6;
const K_SRP: u32 = 1 << 7;
const K_ANYPSK: u32 = K_PSK | K_ECDHEPSK | K_DHEPSK | K_RSAPSK;
// Authentication.
const A_RSA: u32 = 1;
const A_ECDSA: u32 = 1 << 1;
const A_NULL: u32 = 1 << 2;
const A_PSK: u32 = 1 << 3;
const A_DSS: u32 = 1 << 4;
const A_SRP: u32 = 1 << 5;
// Encryption.
const E_AES128: u32 = 1;
const E_AES256: u32 = 1 << 1;
const E_AES128GCM: u32 = 1 << 2;
const E_AES256GCM: u32 = 1 << 3;
const E_CHACHA20: u32 = 1 << 4;
const E_3DES: u32 = 1 << 5;
const E_RC4: u32 = 1 << 6;
const E_NULL: u32 = 1 << 7;
const E_CAMELLIA128: u32 = 1 << 8;
const E_CAMELLIA256: u32 = 1 << 9;
const E_SEED: u32 = 1 << 10;
const E_DES: u32 = 1 << 11; // single DES: no cipher has it any more
const E_AESGCM: u32 = E_AES128GCM | E_AES256GCM;
const E_AES: u32 = E_AES128 | E_AES256 | E_AESGCM;
const E_CAMELLIA: u32 = E_CAMELLIA128 | E_CAMELLIA256;
// MAC.
const M_SHA1: u32 = 1;
const M_SHA256: u32 = 1 << 1;
const M_SHA384: u32 = 1 << 2;
const M_MD5: u32 = 1 << 3;
const M_AEAD: u32 = 1 << 4;
// Minimum protocol version.
const P_SSL3: u32 = 1;
const P_TLS1: u32 = 1 << 1;
const P_TLS12: u32 = 1 << 2;
// Strength group (eNULL ciphers belong to none).
const S_HIGH: u32 = 1;
const S_MEDIUM: u32 = 1 << 1;
const S_LOW: u32 = 1 << 2;
const S_NONE: u32 = 0;

/// One TLS ≤ 1.2 cipher suite by its OpenSSL name.
struct Cipher {
    name: &'static str,
    kx: u32,
    au: u32,
    enc: u32,
    mac: u32,
    proto: u32,
    strength: u32,
    /// Compiled in by default (RC4 needs `enable-weak-ssl-ciphers`).
    available: bool,
}

const fn c(name: &'static str, kx: u32, au: u32, enc: u32, mac: u32, proto: u32, strength: u32) -> Cipher {
    Cipher { name, kx, au, enc, mac, proto, strength, available: true }
}

const fn weak(name: &'static str, kx: u32, au: u32, mac: u32, proto: u32) -> Cipher {
    Cipher { name, kx, au, enc: E_RC4, mac, proto, strength: S_MEDIUM, available: false }
}

#[rustfmt::skip]
const CIPHERS: &[Cipher] = &[
    c("ECDHE-ECDSA-AES256-GCM-SHA384", K_ECDHE, A_ECDSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-RSA-AES256-GCM-SHA384", K_ECDHE, A_RSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-DSS-AES256-GCM-SHA384", K_DHE, A_DSS, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-RSA-AES256-GCM-SHA384", K_DHE, A_RSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-CHACHA20-POLY1305", K_ECDHE, A_ECDSA, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-RSA-CHACHA20-POLY1305", K_ECDHE, A_RSA, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-RSA-CHACHA20-POLY1305", K_DHE, A_RSA, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-AES128-GCM-SHA256", K_ECDHE, A_ECDSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-RSA-AES128-GCM-SHA256", K_ECDHE, A_RSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-DSS-AES128-GCM-SHA256", K_DHE, A_DSS, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-RSA-AES128-GCM-SHA256", K_DHE, A_RSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-AES256-SHA384", K_ECDHE, A_ECDSA, E_AES256, M_SHA384, P_TLS12, S_HIGH),
    c("ECDHE-RSA-AES256-SHA384", K_ECDHE, A_RSA, E_AES256, M_SHA384, P_TLS12, S_HIGH),
    c("DHE-RSA-AES256-SHA256", K_DHE, A_RSA, E_AES256, M_SHA256, P_TLS12, S_HIGH),
    c("DHE-DSS-AES256-SHA256", K_DHE, A_DSS, E_AES256, M_SHA256, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-AES128-SHA256", K_ECDHE, A_ECDSA, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("ECDHE-RSA-AES128-SHA256", K_ECDHE, A_RSA, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("DHE-RSA-AES128-SHA256", K_DHE, A_RSA, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("DHE-DSS-AES128-SHA256", K_DHE, A_DSS, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("ECDHE-ECDSA-AES256-SHA", K_ECDHE, A_ECDSA, E_AES256, M_SHA1, P_TLS1, S_HIGH),
    c("ECDHE-RSA-AES256-SHA", K_ECDHE, A_RSA, E_AES256, M_SHA1, P_TLS1, S_HIGH),
    c("DHE-RSA-AES256-SHA", K_DHE, A_RSA, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-DSS-AES256-SHA", K_DHE, A_DSS, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-RSA-CAMELLIA256-SHA", K_DHE, A_RSA, E_CAMELLIA256, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-DSS-CAMELLIA256-SHA", K_DHE, A_DSS, E_CAMELLIA256, M_SHA1, P_SSL3, S_HIGH),
    c("ECDHE-ECDSA-AES128-SHA", K_ECDHE, A_ECDSA, E_AES128, M_SHA1, P_TLS1, S_HIGH),
    c("ECDHE-RSA-AES128-SHA", K_ECDHE, A_RSA, E_AES128, M_SHA1, P_TLS1, S_HIGH),
    c("DHE-RSA-AES128-SHA", K_DHE, A_RSA, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-DSS-AES128-SHA", K_DHE, A_DSS, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-RSA-CAMELLIA128-SHA", K_DHE, A_RSA, E_CAMELLIA128, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-DSS-CAMELLIA128-SHA", K_DHE, A_DSS, E_CAMELLIA128, M_SHA1, P_SSL3, S_HIGH),
    c("DHE-RSA-SEED-SHA", K_DHE, A_RSA, E_SEED, M_SHA1, P_SSL3, S_MEDIUM),
    c("AES256-GCM-SHA384", K_RSA, A_RSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("AES128-GCM-SHA256", K_RSA, A_RSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("AES256-SHA256", K_RSA, A_RSA, E_AES256, M_SHA256, P_TLS12, S_HIGH),
    c("AES128-SHA256", K_RSA, A_RSA, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("AES256-SHA", K_RSA, A_RSA, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("AES128-SHA", K_RSA, A_RSA, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("CAMELLIA256-SHA", K_RSA, A_RSA, E_CAMELLIA256, M_SHA1, P_SSL3, S_HIGH),
    c("CAMELLIA128-SHA", K_RSA, A_RSA, E_CAMELLIA128, M_SHA1, P_SSL3, S_HIGH),
    c("SEED-SHA", K_RSA, A_RSA, E_SEED, M_SHA1, P_SSL3, S_MEDIUM),
    c("ECDHE-ECDSA-DES-CBC3-SHA", K_ECDHE, A_ECDSA, E_3DES, M_SHA1, P_TLS1, S_MEDIUM),
    c("ECDHE-RSA-DES-CBC3-SHA", K_ECDHE, A_RSA, E_3DES, M_SHA1, P_TLS1, S_MEDIUM),
    c("EDH-RSA-DES-CBC3-SHA", K_DHE, A_RSA, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("EDH-DSS-DES-CBC3-SHA", K_DHE, A_DSS, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("DES-CBC3-SHA", K_RSA, A_RSA, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("ADH-AES256-GCM-SHA384", K_DHE, A_NULL, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ADH-AES128-GCM-SHA256", K_DHE, A_NULL, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("ADH-AES256-SHA256", K_DHE, A_NULL, E_AES256, M_SHA256, P_TLS12, S_HIGH),
    c("ADH-AES128-SHA256", K_DHE, A_NULL, E_AES128, M_SHA256, P_TLS12, S_HIGH),
    c("ADH-AES256-SHA", K_DHE, A_NULL, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("ADH-AES128-SHA", K_DHE, A_NULL, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("ADH-CAMELLIA256-SHA", K_DHE, A_NULL, E_CAMELLIA256, M_SHA1, P_SSL3, S_HIGH),
    c("ADH-CAMELLIA128-SHA", K_DHE, A_NULL, E_CAMELLIA128, M_SHA1, P_SSL3, S_HIGH),
    c("ADH-DES-CBC3-SHA", K_DHE, A_NULL, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("AECDH-AES256-SHA", K_ECDHE, A_NULL, E_AES256, M_SHA1, P_TLS1, S_HIGH),
    c("AECDH-AES128-SHA", K_ECDHE, A_NULL, E_AES128, M_SHA1, P_TLS1, S_HIGH),
    c("AECDH-DES-CBC3-SHA", K_ECDHE, A_NULL, E_3DES, M_SHA1, P_TLS1, S_MEDIUM),
    c("AECDH-NULL-SHA", K_ECDHE, A_NULL, E_NULL, M_SHA1, P_TLS1, S_NONE),
    c("ECDHE-ECDSA-NULL-SHA", K_ECDHE, A_ECDSA, E_NULL, M_SHA1, P_TLS1, S_NONE),
    c("ECDHE-RSA-NULL-SHA", K_ECDHE, A_RSA, E_NULL, M_SHA1, P_TLS1, S_NONE),
    c("NULL-SHA256", K_RSA, A_RSA, E_NULL, M_SHA256, P_TLS12, S_NONE),
    c("NULL-SHA", K_RSA, A_RSA, E_NULL, M_SHA1, P_SSL3, S_NONE),
    c("NULL-MD5", K_RSA, A_RSA, E_NULL, M_MD5, P_SSL3, S_NONE),
    c("PSK-AES256-GCM-SHA384", K_PSK, A_PSK, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("PSK-AES128-GCM-SHA256", K_PSK, A_PSK, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("PSK-CHACHA20-POLY1305", K_PSK, A_PSK, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("PSK-AES256-CBC-SHA384", K_PSK, A_PSK, E_AES256, M_SHA384, P_TLS1, S_HIGH),
    c("PSK-AES128-CBC-SHA256", K_PSK, A_PSK, E_AES128, M_SHA256, P_TLS1, S_HIGH),
    c("PSK-AES256-CBC-SHA", K_PSK, A_PSK, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("PSK-AES128-CBC-SHA", K_PSK, A_PSK, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    c("PSK-3DES-EDE-CBC-SHA", K_PSK, A_PSK, E_3DES, M_SHA1, P_SSL3, S_MEDIUM),
    c("PSK-NULL-SHA", K_PSK, A_PSK, E_NULL, M_SHA1, P_SSL3, S_NONE),
    c("ECDHE-PSK-CHACHA20-POLY1305", K_ECDHEPSK, A_PSK, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("ECDHE-PSK-AES256-CBC-SHA", K_ECDHEPSK, A_PSK, E_AES256, M_SHA1, P_TLS1, S_HIGH),
    c("ECDHE-PSK-AES128-CBC-SHA", K_ECDHEPSK, A_PSK, E_AES128, M_SHA1, P_TLS1, S_HIGH),
    c("DHE-PSK-AES256-GCM-SHA384", K_DHEPSK, A_PSK, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-PSK-AES128-GCM-SHA256", K_DHEPSK, A_PSK, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("DHE-PSK-CHACHA20-POLY1305", K_DHEPSK, A_PSK, E_CHACHA20, M_AEAD, P_TLS12, S_HIGH),
    c("RSA-PSK-AES256-GCM-SHA384", K_RSAPSK, A_RSA, E_AES256GCM, M_AEAD, P_TLS12, S_HIGH),
    c("RSA-PSK-AES128-GCM-SHA256", K_RSAPSK, A_RSA, E_AES128GCM, M_AEAD, P_TLS12, S_HIGH),
    c("SRP-AES-256-CBC-SHA", K_SRP, A_SRP, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("SRP-RSA-AES-256-CBC-SHA", K_SRP, A_RSA, E_AES256, M_SHA1, P_SSL3, S_HIGH),
    c("SRP-AES-128-CBC-SHA", K_SRP, A_SRP, E_AES128, M_SHA1, P_SSL3, S_HIGH),
    weak("RC4-SHA", K_RSA, A_RSA, M_SHA1, P_SSL3),
    weak("RC4-MD5", K_RSA, A_RSA, M_MD5, P_SSL3),
    weak("ECDHE-RSA-RC4-SHA", K_ECDHE, A_RSA, M_SHA1, P_TLS1),
    weak("ECDHE-ECDSA-RC4-SHA", K_ECDHE, A_ECDSA, M_SHA1, P_TLS1),
    weak("AECDH-RC4-SHA", K_ECDHE, A_NULL, M_SHA1, P_TLS1),
    weak("ADH-RC4-MD5", K_DHE, A_NULL, M_MD5, P_SSL3),
    weak("PSK-RC4-SHA", K_PSK, A_PSK, M_SHA1, P_SSL3),
];

/// A cipher-string alias: a cipher matches when, for every non-zero mask, one of
/// its attribute bits is in the mask.
struct Alias {
    name: &'static str,
    kx: u32,
    au: u32,
    enc: u32,
    mac: u32,
    proto: u32,
    strength: u32,
}

const fn al(name: &'static str, kx: u32, au: u32, enc: u32, mac: u32, proto: u32) -> Alias {
    Alias { name, kx, au, enc, mac, proto, strength: 0 }
}

const fn st(name: &'static str, strength: u32) -> Alias {
    Alias { name, kx: 0, au: 0, enc: 0, mac: 0, proto: 0, strength }
}

const NOT_NULL_AU: u32 = !A_NULL;
const NOT_NULL_ENC: u32 = !E_NULL;

#[rustfmt::skip]
const ALIASES: &[Alias] = &[
    al("ALL", 0, 0, NOT_NULL_ENC, 0, 0),
    al("COMPLEMENTOFALL", 0, 0, E_NULL, 0, 0),
    al("COMPLEMENTOFDEFAULT", K_DHE | K_ECDHE, A_NULL, NOT_NULL_ENC, 0, 0),
    st("HIGH", S_HIGH),
    st("MEDIUM", S_MEDIUM),
    st("LOW", S_LOW),
    al("aNULL", 0, A_NULL, 0, 0, 0),
    al("eNULL", 0, 0, E_NULL, 0, 0),
    al("NULL", 0, 0, E_NULL, 0, 0),
    al("kRSA", K_RSA, 0, 0, 0, 0),
    al("aRSA", 0, A_RSA, 0, 0, 0),
    al("RSA", K_RSA, 0, 0, 0, 0),
    al("kEDH", K_DHE, 0, 0, 0, 0),
    al("kDHE", K_DHE, 0, 0, 0, 0),
    al("EDH", K_DHE, NOT_NULL_AU, 0, 0, 0),
    al("DHE", K_DHE, NOT_NULL_AU, 0, 0, 0),
    al("ADH", K_DHE, A_NULL, 0, 0, 0),
    al("kEECDH", K_ECDHE, 0, 0, 0, 0),
    al("kECDHE", K_ECDHE, 0, 0, 0, 0),
    al("ECDH", K_ECDHE, 0, 0, 0, 0),
    al("EECDH", K_ECDHE, NOT_NULL_AU, 0, 0, 0),
    al("ECDHE", K_ECDHE, NOT_NULL_AU, 0, 0, 0),
    al("AECDH", K_ECDHE, A_NULL, 0, 0, 0),
    al("aECDSA", 0, A_ECDSA, 0, 0, 0),
    al("ECDSA", 0, A_ECDSA, 0, 0, 0),
    al("aDSS", 0, A_DSS, 0, 0, 0),
    al("DSS", 0, A_DSS, 0, 0, 0),
    al("kPSK", K_PSK, 0, 0, 0, 0),
    al("kECDHEPSK", K_ECDHEPSK, 0, 0, 0, 0),
    al("kDHEPSK", K_DHEPSK, 0, 0, 0, 0),
    al("kRSAPSK", K_RSAPSK, 0, 0, 0, 0),
    al("aPSK", 0, A_PSK, 0, 0, 0),
    al("PSK", K_ANYPSK, 0, 0, 0, 0),
    al("kSRP", K_SRP, 0, 0, 0, 0),
    al("aSRP", 0, A_SRP, 0, 0, 0),
    al("SRP", K_SRP, 0, 0, 0, 0),
    al("AES", 0, 0, E_AES, 0, 0),
    al("AES128", 0, 0, E_AES128 | E_AES128GCM, 0, 0),
    al("AES256", 0, 0, E_AES256 | E_AES256GCM, 0, 0),
    al("AESGCM", 0, 0, E_AESGCM, 0, 0),
    al("CHACHA20", 0, 0, E_CHACHA20, 0, 0),
    al("CAMELLIA", 0, 0, E_CAMELLIA, 0, 0),
    al("CAMELLIA128", 0, 0, E_CAMELLIA128, 0, 0),
    al("CAMELLIA256", 0, 0, E_CAMELLIA256, 0, 0),
    al("SEED", 0, 0, E_SEED, 0, 0),
    al("3DES", 0, 0, E_3DES, 0, 0),
    al("DES", 0, 0, E_DES, 0, 0),
    al("RC4", 0, 0, E_RC4, 0, 0),
    al("FIPS", 0, 0, E_AES | E_3DES, 0, 0),
    al("MD5", 0, 0, 0, M_MD5, 0),
    al("SHA1", 0, 0, 0, M_SHA1, 0),
    al("SHA", 0, 0, 0, M_SHA1, 0),
    al("SHA256", 0, 0, 0, M_SHA256, 0),
    al("SHA384", 0, 0, 0, M_SHA384, 0),
    al("AEAD", 0, 0, 0, M_AEAD, 0),
    al("SSLv3", 0, 0, 0, 0, P_SSL3),
    al("TLSv1", 0, 0, 0, 0, P_TLS1),
    al("TLSv1.2", 0, 0, 0, 0, P_TLS12),
];

/// OpenSSL 1.1.1's `SSL_DEFAULT_CIPHER_LIST`, expanded when a string starts with `DEFAULT`.
const OPENSSL_DEFAULT_RULES: &str = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";

type CipherSet = u128;

fn mask_ok(mask: u32, bits: u32) -> bool {
    mask == 0 || mask & bits != 0
}

/// The available ciphers an element name (alias or cipher name) selects;
/// `None` when OpenSSL does not know the name.
fn select_name(name: &[u8]) -> Option<CipherSet> {
    let mut set: CipherSet = 0;
    if let Some(alias) = ALIASES.iter().find(|a| a.name.as_bytes() == name) {
        for (i, cipher) in CIPHERS.iter().enumerate() {
            if cipher.available
                && mask_ok(alias.kx, cipher.kx)
                && mask_ok(alias.au, cipher.au)
                && mask_ok(alias.enc, cipher.enc)
                && mask_ok(alias.mac, cipher.mac)
                && mask_ok(alias.proto, cipher.proto)
                && mask_ok(alias.strength, cipher.strength)
            {
                set |= 1 << i;
            }
        }
        return Some(set);
    }
    let i = CIPHERS.iter().position(|c| c.name.as_bytes() == name)?;
    if CIPHERS[i].available {
        set |= 1 << i;
    }
    Some(set)
}

#[derive(Default)]
struct CipherState {
    active: CipherSet,
    killed: CipherSet,
}

fn is_item_sep(b: u8) -> bool {
    matches!(b, b':' | b' ' | b';' | b',')
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'=')
}

/// Applies one rule string to `state`; `false` when OpenSSL reports an error.
fn process_cipher_rules(rules: &[u8], state: &mut CipherState) -> bool {
    let mut ok = true;
    let mut l = 0;
    while l < rules.len() {
        let ch = rules[l];
        if is_item_sep(ch) {
            l += 1;
            continue;
        }
        let rule = match ch {
            b'-' | b'+' | b'!' | b'@' => {
                l += 1;
                ch
            }
            _ => b'a',
        };
        let mut selected: Option<CipherSet> = Some(CipherSet::MAX);
        let mut special: Option<&[u8]> = None;
        let mut error = false;
        loop {
            let start = l;
            while l < rules.len() && is_name_char(rules[l]) {
                l += 1;
            }
            if l == start {
                // Something that is neither a name, a command nor a separator.
                error = true;
                l += 1;
                break;
            }
            let word = &rules[start..l];
            if rule == b'@' {
                special = Some(word);
                break;
            }
            let multi = rules.get(l) == Some(&b'+');
            if multi {
                l += 1;
            }
            selected = match (selected, select_name(word)) {
                (Some(acc), Some(s)) => Some(acc & s),
                _ => None,
            };
            if selected.is_none() || !multi {
                break;
            }
        }
        if error {
            ok = false;
        } else if let Some(word) = special {
            let known = word == b"STRENGTH"
                || (word.len() == 10 && word.starts_with(b"SECLEVEL=") && matches!(word[9], b'0'..=b'5'));
            if !known {
                ok = false;
            }
        } else if let Some(sel) = selected {
            match rule {
                b'a' => state.active |= sel & !state.killed,
                b'-' => state.active &= !sel,
                b'!' => {
                    state.active &= !sel;
                    state.killed |= sel;
                }
                _ => {} // '+': reorders only
            }
        }
        if selected.is_none() || error {
            // Unknown name: OpenSSL skips the rest of this element.
            while l < rules.len() && !is_item_sep(rules[l]) {
                l += 1;
            }
        }
    }
    ok
}

/// Whether OpenSSL (1.1.1, default build) would accept `value` as a cipher list:
/// no syntax error and at least one TLS ≤ 1.2 cipher selected.
#[must_use]
pub fn cipher_list_selects_any(value: &str) -> bool {
    let mut state = CipherState::default();
    let mut rest = value.as_bytes();
    if rest.starts_with(b"DEFAULT") {
        if !process_cipher_rules(OPENSSL_DEFAULT_RULES.as_bytes(), &mut state) {
            return false;
        }
        rest = &rest[7..];
        if rest.first() == Some(&b':') {
            rest = &rest[1..];
        }
    }
    process_cipher_rules(rest, &mut state) && state.active != 0
}

const _: () = assert!(CIPHERS.len() <= 128, "CipherSet is a u128 bitmask");

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use super::*;

    #[test]
    fn cipher_lists() {
        table(
            ValueType::CipherList,
            &[
                "HIGH:!aNULL:!MD5",
                "DEFAULT",
                "DEFAULT:!3DES",
                "ALL",
                "ECDHE-RSA-AES128-GCM-SHA256",
                "ECDHE+AESGCM:!aNULL",
                "kECDHE+aRSA+AES256",
                "HIGH:@STRENGTH",
                "HIGH:@SECLEVEL=2",
                "nonsense:HIGH",
                "AES128-SHA,DES-CBC3-SHA",
                "HIGH -aNULL",
                "-HIGH:HIGH",
                "eNULL",
                "NULL-SHA",
                "MEDIUM",
                "TLSv1.2",
                "SSLv3:!aNULL",
                "PSK",
                "!aNULL:HIGH",
            ],
            &[
                "",
                "nonsense",
                "HIGH:!HIGH",
                "!HIGH:HIGH",
                "high",
                "RC4",
                "RC4-SHA",
                "LOW",
                "DES",
                "ALL:!ALL",
                "HIGH:@FOO",
                "HIGH:@SECLEVEL=9",
                "HIGH+",
                "HIGH:*",
                "+HIGH",
                "DEFAULT:!ALL",
                "ADH+aRSA",
                "ECDHE+kRSA",
                "COMPLEMENTOFDEFAULT:!ADH:!AECDH",
                "HIGH:!ALL:!PSK:!NULL",
            ],
        );
        // DEFAULT kills anonymous and NULL suites permanently; they cannot be re-added.
        assert!(!cipher_list_selects_any("DEFAULT:!ALL:ADH"));
        assert!(!cipher_list_selects_any("DEFAULT:!ALL:eNULL"));
        // ALL does not include eNULL, so killing ALL leaves NULL suites addable.
        assert!(cipher_list_selects_any("ALL:!ALL:eNULL"));
        assert!(cipher_list_selects_any("HIGH:!ALL:eNULL"));
        // `-` removes reversibly, `!` permanently.
        assert!(cipher_list_selects_any("HIGH:-HIGH:HIGH"));
        assert!(!cipher_list_selects_any("!HIGH:-MEDIUM:HIGH:!NULL:!PSK"));
    }
}
