//! The Response envelope as this SP reads it. samael's own `Response` type cannot read an
//! EncryptedAssertion whose `ds` namespace is declared on an ancestor (as pysaml2, Shibboleth
//! and others do), so the envelope and the encryption elements are read here; the assertion,
//! issuer and status reuse samael's types.

use chrono::{DateTime, Utc};
use samael::schema::{Assertion, CipherValue, EncryptedKey, Issuer, Status};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(crate) struct ResponseXml {
    #[serde(rename = "@ID")]
    pub id: String,
    #[serde(rename = "@InResponseTo")]
    pub in_response_to: Option<String>,
    #[serde(rename = "@IssueInstant")]
    pub issue_instant: DateTime<Utc>,
    #[serde(rename = "@Destination")]
    pub destination: Option<String>,
    #[serde(rename = "Issuer")]
    pub issuer: Option<Issuer>,
    #[serde(rename = "Status")]
    pub status: Option<Status>,
    #[serde(rename = "Assertion")]
    pub assertion: Option<Assertion>,
    #[serde(rename = "EncryptedAssertion")]
    pub encrypted_assertion: Option<EncryptedAssertionXml>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EncryptedAssertionXml {
    #[serde(rename = "EncryptedData")]
    pub data: Option<EncryptedDataXml>,
    /// The EncryptedKey may also sit beside the EncryptedData.
    #[serde(rename = "EncryptedKey")]
    pub encrypted_key: Option<EncryptedKey>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EncryptedDataXml {
    #[serde(rename = "EncryptionMethod")]
    pub method: Option<AlgorithmXml>,
    #[serde(rename = "KeyInfo")]
    pub key_info: Option<KeyInfoXml>,
    #[serde(rename = "CipherData")]
    pub cipher_data: Option<CipherDataXml>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct KeyInfoXml {
    #[serde(rename = "EncryptedKey")]
    pub encrypted_key: Option<EncryptedKey>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AlgorithmXml {
    #[serde(rename = "@Algorithm")]
    pub algorithm: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CipherDataXml {
    #[serde(rename = "CipherValue")]
    pub value: Option<CipherValue>,
}

impl EncryptedAssertionXml {
    /// The encrypted AES key and its transport algorithm.
    pub fn key(&self) -> Option<(&CipherValue, &str)> {
        let key = self
            .data
            .as_ref()
            .and_then(|d| d.key_info.as_ref())
            .and_then(|k| k.encrypted_key.as_ref())
            .or(self.encrypted_key.as_ref())?;
        let method = key.encryption_method.as_ref()?.algorithm.as_deref()?;
        let value = key.cipher_data.as_ref()?.cipher_value.as_ref()?;
        Some((value, method))
    }

    /// The encrypted assertion and its content algorithm.
    pub fn value(&self) -> Option<(&CipherValue, &str)> {
        let data = self.data.as_ref()?;
        let method = data.method.as_ref()?.algorithm.as_deref()?;
        let value = data.cipher_data.as_ref()?.value.as_ref()?;
        Some((value, method))
    }
}
