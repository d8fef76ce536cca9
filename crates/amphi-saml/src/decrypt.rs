//! EncryptedAssertion -> assertion XML, with samael's OpenSSL-backed key transport and
//! content decryption. Inputs are checked first so that no malformed ciphertext reaches code
//! that assumes well-formed lengths.

use crate::config::SpConfig;
use crate::schema::EncryptedAssertionXml;
use crate::SamlError;
use base64::Engine as _;
use samael::crypto::{CryptoProvider, XmlSec};

const RSA_OAEP: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
const AES128_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";

/// Decrypts the assertion with the SP's encryption key (or its signing key).
pub(crate) fn decrypt_assertion_xml(
    sp: &SpConfig,
    encrypted: &EncryptedAssertionXml,
) -> Result<String, SamlError> {
    let (key_cipher, key_method) = encrypted
        .key()
        .ok_or_else(|| SamlError::Decryption("no EncryptedKey".into()))?;
    if key_method != RSA_OAEP {
        return Err(SamlError::Decryption(
            "the key transport must be RSA-OAEP (rsa-oaep-mgf1p)".into(),
        ));
    }
    let (value_cipher, value_method) = encrypted
        .value()
        .ok_or_else(|| SamlError::Decryption("no EncryptedData cipher value".into()))?;
    let data = decode(&value_cipher.value)?;
    match value_method {
        AES128_CBC if data.len() >= 32 && data.len() % 16 == 0 => {}
        AES128_GCM if data.len() >= 12 + 16 => {}
        AES128_CBC | AES128_GCM => {
            return Err(SamlError::Decryption(
                "the cipher value is truncated".into(),
            ))
        }
        _ => {
            return Err(SamlError::Decryption(
                "the content encryption must be AES-128 (CBC or GCM)".into(),
            ))
        }
    }

    let mut plaintext = None;
    for pair in sp.decryption_keys() {
        let Ok(aes_key) = XmlSec::decrypt_assertion_key_info(key_cipher, key_method, pair.key())
        else {
            continue;
        };
        if aes_key.len() != 16 {
            continue;
        }
        if let Ok(clear) =
            XmlSec::decrypt_assertion_value_info(value_cipher, value_method, &aes_key)
        {
            plaintext = Some(clear);
            break;
        }
    }
    let mut clear = plaintext
        .ok_or_else(|| SamlError::Decryption("no SP key decrypts the assertion".into()))?;
    if value_method == AES128_CBC {
        // XML Encryption padding: the last byte says how many bytes to drop.
        let pad = clear.last().copied().unwrap_or(0) as usize;
        if pad == 0 || pad > 16 || pad > clear.len() {
            return Err(SamlError::Decryption("bad padding".into()));
        }
        clear.truncate(clear.len() - pad);
    }
    let text = String::from_utf8(clear)
        .map_err(|_| SamlError::Decryption("the plaintext is not UTF-8".into()))?;
    Ok(text.trim().to_string())
}

fn decode(value: &str) -> Result<Vec<u8>, SamlError> {
    let cleaned: String = value.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|_| SamlError::Decryption("the cipher value is not base64".into()))
}
