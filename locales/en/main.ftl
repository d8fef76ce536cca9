language-name = English
language-switch = Language
skip-to-content = Skip to content
nav-main = Main
nav-home = Home
nav-admin = Administration
nav-account = My account
nav-signin = Sign in
nav-signup = Create an account
nav-signout = Sign out
footer-powered = Powered by Amphi
back-home = Back to the home page
save = Save
search = Search
actions = Actions
load-more = Show more
form-has-errors = Please correct the following:

welcome-title = Welcome to { $site }
welcome-lead = Online courses for everyone: learn at your pace, with others.
dashboard-title = My courses
dashboard-hello = Hello, { $name }
dashboard-my-courses = My courses
dashboard-no-courses = You are not enrolled in any course yet.

field-name = Full name
field-email = Email address
field-password = Password
field-new-password = New password
field-current-password = Current password
field-locale = Language
field-time-zone = Time zone
field-token-name = Token name
field-scopes = Permissions
field-expires-days = Expires after (days)
field-slug = Short name
field-tenant-name = Site name
field-hosts = Host names
field-default-locale = Default language
field-signup-policy = Who may create an account
field-signup-domains = Allowed email domains
field-colour = Brand colour
field-logo-url = Logo address (URL)
field-footer = Footer text
password-help = At least 10 characters. A phrase of several words is easy to remember and hard to guess.
expires-help = Between 1 and 365 days; 0 for a token that does not expire.
slug-help = Lower-case letters, digits and dashes; used in addresses such as slug.example.com.
hosts-help = One host name per line, for example learn.example.com.
signup-domains-help = Comma-separated, for example example.com, school.example.org. Used when only these domains may sign up.
locale-browser = Follow my browser

signup-title = Create an account
signup-submit = Create my account
signup-closed = Accounts on this site are created by its administrators.
signup-have-account = Already have an account?
signup-sent-title = Check your email
signup-sent-body = We have sent you a link to confirm your email address. Open it to activate your account.
verify-title = Confirm your email address
verify-body = Confirm that this address is yours to activate your account.
verify-submit = Confirm my address
signin-title = Sign in
signin-submit = Sign in
signin-forgot = Forgot your password?
signin-no-account = New here?
forgot-title = Reset your password
forgot-lead = Enter the email address of your account and we will send you a link to choose a new password.
forgot-submit = Send the link
forgot-sent-title = Check your email
forgot-sent-body = If an account exists for this address, we have sent it a link to reset the password. The link is valid for one hour.
reset-title = Choose a new password
reset-submit = Save my new password
setup-title = Create the administrator account
setup-lead = This account will administer the whole platform. Keep its password safe.
setup-submit = Create the administrator

account-title = My account
account-profile = Profile
account-password = Password
account-password-submit = Change my password
account-sessions = Where you are signed in
account-signout-everywhere = Sign out everywhere
session-browser = Browser
session-address = Address
session-signed-in = Signed in
session-last-seen = Last active
session-this = this browser

tokens-title = API tokens
tokens-lead = Personal access tokens let programs use the Amphi API on your behalf. Treat them like passwords.
tokens-new = New token
tokens-create = Create the token
tokens-created = Your new token is shown only once. Copy it now:
tokens-yours = Your tokens
tokens-none = You have no tokens.
token-expires = Expires
token-last-used = Last used
token-never = Never
token-revoked = Revoked
token-revoke = Revoke
scope-read = Read (view your data)
scope-write = Write (change your data)
scope-admin = Administration (within your role)

admin-title = Administration
admin-users = Users
admin-users-lead = Find people, deactivate accounts, choose administrators.
admin-site = Site settings
admin-site-lead = Name, branding, language and who may sign up.
admin-tenants = Sites (tenants)
admin-tenants-lead = Every client site on this platform.
search-users = Search by name or email
users-none = No user matches.
user-status = Status
user-role = Role
user-active = Active
user-inactive = Deactivated
user-unverified = unverified
user-deactivate = Deactivate
user-reactivate = Reactivate
user-make-admin = Make administrator
user-remove-admin = Remove administrator
role-platform-admin = Platform administrator
role-tenant-admin = Administrator
role-member = Member
tenant-new = New site
tenant-default = default
tenant-active = This site is active
signup-policy-open = Anyone
signup-policy-closed = Nobody (administrators create accounts)
signup-policy-domains = Only addresses at the allowed domains

error-title = Something went wrong
error-request-id = If this persists, give this reference to support: { $id }

flash-email-verified = Your email address is confirmed. You can now sign in.
flash-password-changed = Your password has been changed. Other browsers have been signed out.
flash-password-reset = Your password has been changed. Sign in with the new one.
flash-profile-saved = Your profile has been saved.
flash-setup-done = Your administrator account is ready.
flash-signed-out = You are signed out.
flash-signed-out-everywhere = You have been signed out on every browser.
flash-site-saved = The site settings have been saved.
flash-tenant-created = The site has been created.
flash-tenant-saved = The site has been saved.
flash-token-revoked = The token has been revoked.
flash-user-updated = The account has been updated.

mail-verify-subject = Confirm your email address for { $site }
mail-verify-body =
    Hello { $name },

    To activate your account on { $site }, confirm your email address by opening this link:

    { $link }

    The link is valid for 48 hours. If you did not create this account, ignore this message.
mail-reset-subject = Reset your password on { $site }
mail-reset-body =
    Hello { $name },

    Someone asked to reset the password of your account on { $site }. To choose a new password, open this link:

    { $link }

    The link is valid for one hour and works once. If you did not ask for it, ignore this message: your password stays as it is.

err-not_found = This page or item does not exist, or you may not see it.
err-forbidden = You are not allowed to do this.
err-unauthenticated = Please sign in, or provide a valid API token.
err-invalid_credentials = The email address or the password is incorrect.
err-conflict = This conflicts with the current state; reload and try again.
err-validation = Some fields are not valid.
err-bad_request = The request is not valid.
err-rate_limited = Too many attempts. Please wait { $minutes } minute(s) and try again.
err-internal = An unexpected error happened on our side. It has been logged.
err-csrf = This form has expired or did not come from this site. Go back, reload the page and try again.
err-already_exists = This already exists.
err-reference_invalid = This refers to something that does not exist.
err-email_not_verified = Your email address is not confirmed yet. We have sent you a new confirmation link.
err-token_invalid = This link is invalid, has expired or has already been used. Ask for a new one.
err-default_tenant_cannot_be_deactivated = The default site cannot be deactivated.
err-cannot_deactivate_self = You cannot deactivate your own account.
err-nothing_to_change = Nothing to change.
err-form_expected = A form submission was expected.
err-form_malformed = The form is malformed.
err-json_expected = The body must be JSON (Content-Type: application/json).
err-json_malformed = The JSON body is malformed or has unexpected fields.
err-body_too_large = The request body is too large.
err-cursor_invalid = The page cursor is not valid.
err-tenant_not_found = No site has this short name.
err-platform_admin_must_be_in_default_tenant = Platform administrators belong to the default site.
err-locale_invalid = This language is not available.
err-required = This field is required.
err-too_long = This is too long.
err-email_invalid = Enter an email address such as name@example.com.
err-invalid_characters = This contains characters that are not allowed.
err-password_too_short = The password must have at least 10 characters.
err-slug_invalid = Use lower-case letters, digits and dashes only.
err-host_invalid = Enter host names such as learn.example.com.
err-time_zone_invalid = Choose a time zone from the list, such as Europe/Paris.
err-colour_invalid = Enter a colour such as #1d4ed8.
err-url_invalid = Enter an address starting with https://.
err-signup_domain_not_allowed = Accounts on this site are reserved for addresses at the allowed domains.
err-email_taken = An account already exists with this email address. Sign in, or reset your password.
err-choice_invalid = Choose one of the options.
err-out_of_range = This value is out of range.
err-slug_taken = This short name is already used by another site.
err-host_taken = One of these host names is already used by another site.
err-password_wrong = The current password is incorrect.
