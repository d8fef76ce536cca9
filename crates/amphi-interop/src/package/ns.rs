//! The XML namespaces of SCORM manifests.

/// IMS Content Packaging namespaces (SCORM 1.2 uses 1.1.2, SCORM 2004 1.1 to 1.1.4); no
/// namespace at all is tolerated.
pub(crate) const IMSCP: &[&str] = &[
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "http://www.imsglobal.org/xsd/imscp_rootv1p1p2",
    "http://www.imsglobal.org/xsd/imscp_v1p1",
    "http://www.imsglobal.org/xsd/imscp_v1p1p2",
    "http://www.imsglobal.org/xsd/imscp_v1p1p3",
    "http://www.imsglobal.org/xsd/imscp_v1p1p4",
    "",
];
/// ADL content packaging extensions of SCORM 1.2.
pub(crate) const ADLCP_12: &[&str] = &["http://www.adlnet.org/xsd/adlcp_rootv1p2"];
/// ADL content packaging extensions of SCORM 2004.
pub(crate) const ADLCP_2004: &[&str] = &["http://www.adlnet.org/xsd/adlcp_v1p3"];
/// IMS Simple Sequencing.
pub(crate) const IMSSS: &[&str] = &["http://www.imsglobal.org/xsd/imsss"];
/// ADL sequencing extensions.
pub(crate) const ADLSEQ: &[&str] = &["http://www.adlnet.org/xsd/adlseq_v1p3"];
/// ADL navigation extensions.
pub(crate) const ADLNAV: &[&str] = &["http://www.adlnet.org/xsd/adlnav_v1p3"];
