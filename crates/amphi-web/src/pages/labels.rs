//! Which label names each field of the account, sign-in, setup and administration forms, so
//! their error messages name the field ("Full name: This field is required.").

/// Field name and the message key of its label.
pub type Labels = &'static [(&'static str, &'static str)];

/// Sign-up, setup, and an account created by an administrator.
pub const PERSON: Labels = &[
    ("name", "field-name"),
    ("email", "field-email"),
    ("password", "field-password"),
    ("role", "user-role"),
];

/// Sign-in and the password-reset request.
pub const SIGN_IN: Labels = &[("email", "field-email"), ("password", "field-password")];

/// Choosing a new password from a reset link.
pub const RESET: Labels = &[("password", "field-new-password")];

/// The profile and password forms of the account page.
pub const ACCOUNT: Labels = &[
    ("name", "field-name"),
    ("locale", "field-locale"),
    ("time_zone", "field-time-zone"),
    ("current_password", "field-current-password"),
    ("new_password", "field-new-password"),
    ("code", "field-mfa-code"),
];

/// A personal API token.
pub const TOKEN: Labels = &[
    ("name", "field-token-name"),
    ("scopes", "field-scopes"),
    ("expires_in_days", "field-expires-days"),
];

/// The site (tenant) settings.
pub const TENANT: Labels = &[
    ("slug", "field-slug"),
    ("name", "field-tenant-name"),
    ("hosts", "field-hosts"),
    ("default_locale", "field-default-locale"),
    ("signup_policy", "field-signup-policy"),
    ("signup_domains", "field-signup-domains"),
    ("primary_colour", "field-colour"),
    ("logo_url", "field-logo-url"),
    ("logo", "field-logo-file"),
    ("footer_text", "field-footer"),
];

/// An invitation by email.
pub const INVITE: Labels = &[("emails", "field-emails"), ("role", "user-role")];
