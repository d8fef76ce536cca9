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
nav-menu = Menu
footer-powered = Powered by Amphi
back-home = Back to the home page
save = Save
search = Search
actions = Actions
load-more = Show more
form-has-errors = Please correct the following:

welcome-title = Welcome to { $site }
welcome-lead = Online courses for everyone: learn at your pace, with others.
welcome-features = What you will find here
welcome-pace-title = At your own pace
welcome-pace-text = Videos, readings and quizzes you can take whenever suits you, on a computer or a phone.
welcome-together-title = With others
welcome-together-text = Announcements from your teachers, feedback from your peers and a clear view of what comes next.
welcome-certificate-title = A certificate to show
welcome-certificate-text = Pass a course and receive a certificate that anyone can check online.
welcome-browse = Browse the catalog
dashboard-title = My courses
dashboard-hello = Hello, { $name }
dashboard-my-courses = My courses
dashboard-no-courses = You are not enrolled in any course yet.
dashboard-due-soon = Due soon
dashboard-announcements = Latest announcements
deadline-quiz = Quiz closes
deadline-assignment = Due
deadline-peer_submission = Work due
deadline-peer_review = Reviews due
due-in-hours = { $count ->
    [one] in one hour
   *[other] in { $count } hours
}
due-in-days = { $count ->
    [one] in one day
   *[other] in { $count } days
}
view = View

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
field-logo-url-help = Or upload the logo below: it is then kept and served by this site.
field-logo-file = Logo (file)
site-logo = Upload a logo
site-logo-current = Current logo
site-logo-help = PNG, JPEG or SVG, at most { $kib } KB. It replaces the logo address above.
site-logo-upload = Upload the logo
field-footer = Footer text
password-help = At least 10 characters. A phrase of several words is easy to remember and hard to guess.
chars-max = { $count ->
    [one] 1 character at most.
   *[other] { $count } characters at most.
}
chars-left = { $count ->
    [one] { $n } character left.
   *[other] { $n } characters left.
}
chars-over = { $count ->
    [one] { $n } character too many.
   *[other] { $n } characters too many.
}
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
signin-tries-left = { $count ->
    [one] You have 1 try left before sign-in to this account is paused for up to { $minutes } minutes.
   *[other] You have { $count } tries left before sign-in to this account is paused for up to { $minutes } minutes.
}
signin-locked = Sign-in to this account is paused for { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
} after too many tries.
signin-locked-reset = Forgotten your password? Reset it by email
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
checklist-title = Getting your site ready
checklist-all-done = Your site is ready
checklist-progress = { $done ->
    [one] 1 of { $total } steps done.
   *[other] { $done } of { $total } steps done.
}
checklist-done = done
checklist-todo = to do
checklist-branding = Brand your site
checklist-branding-todo = Add your logo and brand colour so that people recognise your organisation.
checklist-branding-done = Your logo or brand colour is set. You can change them in the site settings.
checklist-sign_in = Choose how people sign in
checklist-sign_in-todo = Connect your organisation's sign-in (OIDC, SAML, LDAP), or choose who may create an account in the site settings.
checklist-sign_in-done = Sign-in is set up: a sign-in provider is on, or sign-up is limited by the site settings.
checklist-course = Create the first course
checklist-course-todo = A course with an edition, modules and items is what learners enrol in.
checklist-course-done = Your site has at least one course.
checklist-mail = Connect a mail server
checklist-mail-todo = Mails (confirmations, password resets, invitations) are written to the outbox folder until mail.smtp_url is set in the configuration file by whoever runs the server.
checklist-mail-done = Mails are sent through the configured mail server.
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
user-add = Add a user
user-add-lead = Creates the account now. The person receives an email with a link to choose a password (valid for 7 days).
user-add-submit = Add user
user-invite = Invite by email
user-invite-lead = Each address receives an invitation with a link to choose a password (valid for 7 days). Addresses that already have an account are left as they are.
user-invite-help = One address per line, or separated by commas.
user-invite-submit = Send invitations
users-invited-result = { $count ->
    [one] 1 invitation sent.
   *[other] { $count } invitations sent.
}
users-invited-existing = { $count ->
    [one] 1 address already had an account and was left as it is.
   *[other] { $count } addresses already had an account and were left as they are.
}
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
error-title-forbidden = You do not have access to this page
error-title-not-found = Page not found
error-title-other = Something went wrong
error-forbidden-who = You are signed in as { $email }.
error-forbidden-what-to-do = This page is for a course's team or for the administrators of this site. If you should have access, ask them to add you; if you have another account, sign in with it.
error-not-found-what-to-do = Check the address, or find the course from the catalog.
error-to-dashboard = Go to your dashboard
error-to-catalog = Browse the catalog
error-other-account = Sign in with another account
error-request-id = If this persists, give this reference to support: { $id }

flash-email-verified = Your email address is confirmed. You can now sign in.
flash-password-changed = Your password has been changed. Other browsers have been signed out.
flash-password-reset = Your password has been changed. Sign in with the new one.
flash-profile-saved = Your profile has been saved.
flash-setup-done = Your administrator account is ready.
flash-signed-out = You are signed out.
flash-signed-out-idp-unconfirmed = You are signed out here, but your identity provider did not confirm that it signed you out too: close your browser to end that session.
flash-signed-out-everywhere = You have been signed out on every browser.
flash-site-saved = The site settings have been saved.
flash-tenant-created = The site has been created.
flash-tenant-saved = The site has been saved.
flash-token-revoked = The token has been revoked.
flash-user-updated = The account has been updated.
flash-logo-saved = The logo has been uploaded and is now shown on every page.
flash-user-added = The account has been created and the person has been emailed a link to choose a password.
flash-users-invited = The invitations are on their way.

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
mail-added-subject = Your account on { $site }
mail-added-body =
    Hello { $name },

    { $by } created an account for you on { $site }. To choose your password and sign in, open this link:

    { $link }

    The link is valid for { $days } days and works once. If you did not expect this account, ignore this message.
mail-invited-subject = You are invited to { $site }
mail-invited-body =
    Hello,

    { $by } invites you to join { $site }. To choose your password and sign in, open this link:

    { $link }

    The link is valid for { $days } days and works once. You can change your name on your account page. If you do not want to join, ignore this message.

err-not_found = This page or item does not exist, or you may not see it.
err-forbidden = You are not allowed to do this.
err-unauthenticated = Please sign in, or provide a valid API token.
err-invalid_credentials = The email address or the password is incorrect.
err-conflict = This conflicts with the current state; reload and try again.
err-validation = Some fields are not valid.
err-bad_request = The request is not valid.
err-rate_limited = Too many attempts. Please wait { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
} and try again.
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
too-long-limit = { $count ->
    [one] { $max } character at most, you typed { $got }.
   *[other] { $max } characters at most, you typed { $got }.
}
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

# Courses
nav-catalog = Catalog
nav-teach = Teaching
any = Any
any-feminine = Any
# After a label, before its value (French puts a no-break space before the colon).
colon = {":"}
none = None
delete = Delete
preview = Preview
published = Published
draft = draft
next = Next
previous = Previous
breadcrumb = Breadcrumb
item-navigation = Previous and next items
new-window = opens in a new window
browse-catalog = Browse the catalog.
catalog-title = Course catalog
catalog-search = Search courses
catalog-empty = No course matches. Try other words or fewer filters.
field-format = Format
field-language = Language
field-when = When
when-open = Enrolment open now
when-soon = Starting within 30 days
format-mooc = MOOC
format-spoc = SPOC
format-cooc = Corporate course
visibility-listed = Listed in the catalog
visibility-unlisted = Unlisted (reachable by its address)
visibility-private = Private (members only)
starts = Starts
ends = Ends
enrol-closes = Enrolment closes
seats = Seats taken
enrolment-open = enrolment open
runs-title = Editions
runs-none = No edition yet.
edit-course = Edit this course
go-to-course = Go to the course
unenrol = Leave this course
leave-waiting-list = Leave the waiting list
signin-to-enrol = Sign in to enrol
enrol = Enrol
join-waiting-list = Join the waiting list
field-enrolment-code = Enrolment code
field-voucher = Voucher code
status-waiting = waiting list
status-active = active
course-completed = Completed
resume = Resume
progress-label = Progress
progress-of = { $percent } % ({ $done } of { $total ->
    [one] { $total } item
   *[other] { $total } items
})
progress-of-person = Progress of { $name }
module-progress = Progress in { $title }
progress-done = Completed
progress-not-done = Not completed
run-archived = This edition has ended: its content stays readable, nothing can be submitted.
run-archived-short = Ended
run-not-started = This edition starts on { $date }.
staff-view = You see this course as its team: drafts included, no progress recorded.
preview-as-learner = Preview as a learner
preview-notice = Preview: this is what learners see.
back-to-staff-view = Back to the team view
edit-outline = Edit the outline
learners-title = Learners
course-home = Course home
opens-on = opens on { $date }
after-item = after “{ $title }”
after-previous = after the previous item
outline-empty = No content yet.
state-not_started = not started
state-viewed = viewed
state-completed = completed
kind-page = Page
kind-video = Video
kind-file = File
kind-link = Link
transcript = Transcript
open-link = Open the resource
mark-complete = Mark as complete
item-position = Item { $n } of { $total } · { $module }
item-next = Next: { $title }
outline-title = Course outline
outline-locked = locked
module-end-title = End of { $module }
module-end-next = Next up: { $module } ({ $n ->
    [one] { $n } item
   *[other] { $n } items
}).
module-end-start = Start { $module }
module-end-opens = It opens on { $date }.
module-end-locked = It opens once you have completed what comes before.
course-end-title = You have reached the end of the course
course-end-progress = You have completed { $done } of { $total ->
    [one] { $total } item
   *[other] { $total } items
} ({ $percent } %).
course-end-missing = The course outline shows what is left to complete.
start = Start
role-learner = Learner
role-instructor = Instructor
role-teaching_assistant = Teaching assistant
role-observer = Observer
teach-title = Teaching
teach-my-runs = Editions I teach
teach-all-courses = All courses of this site
teach-empty-title = Build your first course
teach-empty-lead = There is no course on this site yet. A course takes four steps:
teach-step-course = Create the course: a code, a title and a short summary.
teach-step-edition = Add an edition: its dates and who may enrol.
teach-step-content = Add modules, then pages, videos, quizzes and assignments in them.
teach-step-publish = Publish the edition and its content when they are ready.
teach-empty-start = Create the first course
outline-empty-next = Start with a first module.
course-new = New course
course-create = Create the course
course-settings = Course settings
about-page = public page
field-code = Course code
code-help = Letters, digits and dashes, for example PM101. Shown in addresses.
field-title = Title
field-summary = Summary
markdown-help = Markdown: **bold**, *italic*, [link](https://…), lists, headings. Scripts and inline HTML handlers are not allowed.
field-visibility = Visibility
field-cover-url = Cover image address (URL)
field-run-name = Edition name
run-new = New edition
run-create = Create the edition
run-settings = Edition settings
run-dates = Dates
dates-help = In your time zone. Leave empty for no limit.
field-enrol-opens = Enrolment opens
field-enrol-closes = Enrolment closes
field-starts = Starts
field-ends = Ends (then read-only)
field-policy = Who can enrol
policy-open = Anyone signed in
policy-invitation = Invited people only
policy-code = People with the enrolment code
policy-paid = Buyers (shop or voucher)
policy-restricted = The client company's people
enrolment-code-help = At least 6 letters or digits; learners type it to enrol.
field-capacity = Seats
capacity-help = Leave empty for unlimited.
field-waiting-list = Take a waiting list when full
field-restrict-domains = Allowed email domains
restrict-domains-help = For the client company's people: comma-separated, for example acme.com.
field-restrict-group = Allowed group (from single sign-on)
field-sequential = Items must be completed in order
field-run-published = Published (visible to learners)
enrolled = Enrolled
module-new = New module
module-add = Add the module
module-settings = Module settings
module-delete = Delete this module…
item-delete = Delete this item…
item-move-module = Move to another module
field-module = Module
item-move-submit = Move the item
delete-module-heading = Delete the module “{ $title }”?
delete-item-heading = Delete the item “{ $title }”?
delete-module-items = { $count ->
    [0] It has no item.
    [one] Its only item is deleted with it:
   *[other] Its { $count } items are deleted with it:
}
delete-attempts = { $count ->
    [one] one learner's quiz attempt
   *[other] { $count } learners' quiz attempts
}
delete-submissions = { $count ->
    [one] one learner's submission
   *[other] { $count } learners' submissions
}
delete-lost = { $count ->
    [0] This cannot be undone.
    [one] The learners' progress on this item goes with it. This cannot be undone.
   *[other] The learners' progress on these items goes with them. This cannot be undone.
}
delete-refused-heading = This cannot be deleted
delete-refused = { $count ->
    [one] Learners have work on it (below): deleting it would delete their work and grades. Unpublish it instead, so learners no longer see it while their work stays.
   *[other] Learners have work on some of its items (below): deleting them would delete their work and grades. Unpublish instead, so learners no longer see them while their work stays.
}
delete-back = Back
delete-keep = No, keep it
delete-module-confirm = Yes, delete the module and its items
delete-item-confirm = Yes, delete the item
delete-question-heading = Delete the question “{ $title }”?
delete-question-used = { $count ->
    [one] A quiz uses this question. Remove it from that quiz first:
   *[other] { $count } quizzes use this question. Remove it from them first:
}
delete-question-lost = Quizzes drawing at random from its category will have one question fewer to draw from. Past attempts keep their copy. This cannot be undone.
delete-question-confirm = Yes, delete the question
field-available-from = Available from
move-up = Move up
move-down = Move down
field-kind = Kind
field-item-title = Title of the item
field-url = Address (link or video page)
url-help = For videos: a YouTube, Vimeo or allowed PeerTube page.
item-add = Add the item
field-body = Text
field-transcript = Transcript
field-requires = Available after completing
edition-new = New edition from this one
edition-create = Create the new edition
edition-help = Dates, modules and items are copied and shifted; learners and their work are not.
learners-counts = { $enrolled } enrolled, { $waiting } waiting, { $items ->
    [one] { $items } item
   *[other] { $items } items
}.
export-csv = Export as CSV
enrolled-at = Enrolled
members-add = Add a team member or learner
members-add-submit = Add
field-emails = Email addresses
emails-help = Separated by commas or new lines; each receives a mail with the course link.
invite-title = Invite people
invite-submit = Send the invitations
vouchers-title = Voucher codes
field-voucher-count = How many codes
vouchers-submit = Generate and download

flash-enrolled = You are enrolled. Welcome!
flash-waiting-list = The course is full: you are on the waiting list. We will mail you when a seat frees up.
flash-unenrolled = You have left the course.
flash-item-completed = Marked as complete. Well done!
flash-course-created = The course has been created. Now add an edition.
flash-course-saved = The course has been saved.
flash-run-created = The edition has been created. Add modules and items.
flash-run-saved = The edition has been saved.
flash-module-added = The module has been added.
flash-module-saved = The module has been saved.
flash-moved = Moved.
flash-deleted = Deleted.
flash-module-deleted = The module and its items have been deleted.
flash-item-deleted = The item has been deleted.
flash-item-moved-module = The item has been moved to the end of the chosen module.
flash-question-deleted = The question has been deleted.
flash-item-added = The item has been added. Write its content, then publish it.
flash-item-saved = The item has been saved.
flash-member-added = The person has been added.
flash-invited = The invitations have been sent.
flash-edition-created = The new edition has been created, unpublished.

mail-seat-subject = A seat is yours: { $run }
mail-seat-body =
    Hello { $name },

    A seat has freed up in { $run } and it is now yours: you are enrolled.

    See you in the course!
mail-invite-subject = You are invited: { $course }
mail-invite-body =
    Hello,

    You are invited to follow { $course } ({ $run }). Sign in or create an account with this address, then enrol here:

    { $link }

err-course_code_invalid = Use letters, digits and dashes only (at most 40).
err-course_code_taken = Another course of this site already has this code.
err-unsafe_html = Scripts, frames and event-handler HTML are not allowed; use Markdown.
err-video_host_not_allowed = Only YouTube, Vimeo and the allowed PeerTube instances can be embedded (https page address).
err-kind_fixed = The kind of an item cannot change.
err-date_invalid = Enter a date and time such as 2027-03-01T09:00.
err-date_before_opening = Enrolment must close after it opens.
err-date_before_start = The end must come after the start.
err-date_before_enrolment = The end must come after enrolment opens.
err-enrolment_code_invalid = At least 6 letters, digits or dashes.
err-enrolment_code_wrong = This enrolment code is not the right one.
err-voucher_invalid = This voucher code is not valid or has already been used.
err-run_full = This edition is full.
err-run_archived = This edition has ended.
err-enrolment_closed = Enrolment is not open.
err-enrolment_restricted = This course is reserved for the client company's people.
err-item_locked = This item is not available yet.
err-no_such_account = No account of this site has this address.
err-too_many_addresses = At most 1000 addresses at once.
err-webhook_timestamp_invalid = The timestamp header is missing or not a number.
err-webhook_timestamp_stale = The request is too old or from the future (more than 5 minutes).
err-run_not_paid = This edition is not sold in the shop.

# Bulk enrolment
import-title = Enrol from a CSV file
field-csv-file = CSV file
import-help = Columns: email, name, role (learner, instructor, teaching_assistant, observer; empty means learner). Nothing is applied until you have seen the report.
import-submit = Check the file
import-summary = { $rows ->
    [one] { $rows } row
   *[other] { $rows } rows
}: { $valid } can be applied, { $errors } cannot.
import-errors = Rows that cannot be applied
line = Line
problem = Problem
value = Value
import-more-errors = … and { $count } more.
import-held = Nothing has been applied. Fix the file and send it again, or apply only the valid rows.
import-apply-valid = { $count ->
    [one] Apply the valid row
   *[other] Apply the { $count } valid rows
}
import-fix-and-retry = Fix the file and send it again
import-progress = Progress of the import
import-rows-done = { $done } of { $total ->
    [one] { $total } row
   *[other] { $total } rows
}
import-done = Done: { $enrolled } enrolled, { $created ->
    [one] { $created } account created
   *[other] { $created } accounts created
}, { $unchanged } already there.
import-failed = The import failed; the team has been notified in the logs. Try again later.
import-reload = Reload this page to see the progress.
flash-import-started = The valid rows are being applied.
err-csv_header_invalid = The first line must name the columns: email, name, role (name and role are optional).
err-csv_empty = The file has no rows.
err-csv_unreadable = This file cannot be read as CSV.
err-csv_not_utf8 = The file must be UTF-8 text (CSV).
err-csv_row_unreadable = This row cannot be read (quotes?).
err-name_invalid = This name is too long or has invalid characters.
err-role_invalid = Unknown role: use learner, instructor, teaching_assistant or observer.
err-duplicate_row = This address already appears earlier in the file.
err-file_too_large = The file is too large.
err-import_not_held = This import is not waiting for a decision.

# Announcements
announcements = Announcements
announcements-none = No announcement yet.
announcement-new = New announcement
announcement-help = Markdown. Everyone in this edition sees it here and receives it by email.
announcement-send = Publish and send
flash-announced = The announcement is published; the emails are on their way.
mail-announcement-subject = [{ $course }] { $title }
mail-announcement-body =
    Hello { $name },

    { $body }

    { $link }

# Course files and videos
files-heading = File
files-video-heading = Video file and subtitles
files-current = Current file:
files-none = No file uploaded yet.
files-show = Show the current files
field-file = File to upload
field-video-file = Video file (MP4 or WebM)
upload-file-help = PDF, images (PNG, JPEG, GIF, WebP, SVG), ZIP, Word, Excel, PowerPoint and OpenDocument files, text (TXT, CSV, Markdown). A new file replaces the current one.
upload-video-help = MP4 or WebM. A new file replaces the current video; learners complete the item by watching 90 % of it.
upload-max-size = Largest file: { $mb } MB.
upload = Upload
subtitles = Subtitles
subtitles-none = No subtitles yet.
field-subtitle-lang = Language of the subtitles
field-subtitles-file = Subtitle file (WebVTT)
upload-subtitles-help = A .vtt file that starts with WEBVTT. A file in a language already there replaces it.
upload-subtitles = Upload subtitles
file-download = Download
file-missing = The file is not available yet.
video-unsupported = Your browser cannot play this video.
video-download = Download the video
video-subtitles-available = Subtitles:
unit-bytes = bytes
unit-kb = KB
unit-mb = MB
flash-file-uploaded = The file has been uploaded.
err-file_type_not_allowed = This type of file is not accepted here, or its content does not match its name.
err-file_empty = The file is empty.
err-not_a_video = This item is not a video.

# Shop
shop-webhook = Shop webhook (paid courses)
shop-webhook-help = Your shop calls this address on this site after a sale, with the headers X-Amphi-Timestamp (unix seconds) and X-Amphi-Signature (hex HMAC-SHA256 of timestamp, a dot and the body, keyed with the secret below). Keep the secret private.
shop-secret = Secret
reorder-help = Reorder with the arrow buttons, or drag a module or an item to its new place. To put an item in another module, drag it onto that module, or use “Move to another module” in its editor.

# Audit
audit-title = Audit trail
audit-lead = Sign-ins and their failures, password and role changes, API tokens, enrolments and settings changes: who, what, when, from where. Nobody can change or delete an entry.
audit-search = Search (action, target, address)
audit-kind = Kind
audit-from = From
audit-to = To
audit-when = When
audit-what = What
audit-target = About
audit-detail = Details
audit-none = No event matches.
audit-action-account-created_by_sso = Account created by single sign-on
audit-action-account-email_verified = Email address confirmed
audit-action-account-signed_up = Account created (sign-up)
audit-action-announcement-posted = Announcement posted
audit-action-api_token-created = API token created
audit-action-api_token-revoked = API token revoked
audit-action-certificate-issued = Certificate issued
audit-action-certificate-reissued = Certificate issued again
audit-action-certificate-revoked = Certificate revoked
audit-action-certificate-run_settings = Certificate settings of an edition changed
audit-action-certificate-template_changed = Certificate template changed
audit-action-course-created = Course created
audit-action-course_run-created = Edition created
audit-action-course_run-new_edition = New edition from an earlier one
audit-action-enrolment-created = Enrolled
audit-action-enrolment-import_applied_valid = Enrolment import applied (valid rows)
audit-action-enrolment-import_done = Enrolment import finished
audit-action-enrolment-import_started = Enrolment import started
audit-action-enrolment-invited = Invited to an edition
audit-action-enrolment-refused = Enrolment refused
audit-action-enrolment-removed = Enrolment removed
audit-action-enrolment-role_set = Course role changed
audit-action-grade-override = Grade changed by the course team
audit-action-grade-override_total = Course grade changed by the course team
audit-action-gradebook-scheme = Grading scheme changed
audit-action-identity-linked = Sign-in provider linked to an account
audit-action-identity_provider-created = Sign-in provider added
audit-action-lti-key_rotated = LTI signing key replaced
audit-action-lti-launch_refused = LTI launch refused
audit-action-lti-token_refused = LTI service token refused
audit-action-lti-tool_created = External tool registered
audit-action-lti-tool_deleted = External tool deleted
audit-action-lti-tool_disabled = External tool turned off
audit-action-lti-tool_enabled = External tool turned on
audit-action-lti-tool_updated = External tool changed
audit-action-identity_provider-deleted = Sign-in provider deleted
audit-action-identity_provider-disabled = Sign-in provider turned off
audit-action-identity_provider-enabled = Sign-in provider turned on
audit-action-identity_provider-updated = Sign-in provider changed
audit-action-mfa-disabled = Two-step sign-in turned off
audit-action-mfa-enabled = Two-step sign-in turned on
audit-action-password-changed = Password changed
audit-action-password-reset = Password reset
audit-action-password-reset_requested = Password reset asked for
audit-action-platform-admin_created = Platform administrator created
audit-action-package-au_waived = cmi5 AU waived for a learner
audit-action-package-uploaded = Package uploaded
audit-action-package-attempts_reset = A learner's attempts at a package reset
audit-action-question_bank-imported = Questions imported
audit-action-session-logout_refused = Sign-out from the provider refused
audit-action-session-signed_out_by_idp = Signed out by the sign-in provider
audit-action-session-signed_out_everywhere = Signed out everywhere
audit-action-shop-order = Shop order
audit-action-shop-webhook_refused = Shop notification refused
audit-action-sign_in-failure = Sign-in failed
audit-action-sign_in-success = Signed in
audit-action-tenant-created = Site created
audit-action-tenant-updated = Site settings changed
audit-action-user-created = Account created by an administrator
audit-action-user-deactivated = Account deactivated
audit-action-user-invited = Invited to create an account
audit-action-user-reactivated = Account reactivated
audit-action-user-role_changed = Administrator role changed
audit-action-voucher-batch_created = Voucher codes created
audit-kind-sign_in = Sign-ins
audit-kind-identity_provider = Sign-in providers
audit-kind-identity = Linked identities
audit-kind-lti = External tools (LTI)
audit-kind-package = Packages (SCORM)
audit-kind-session = Sessions
audit-kind-password = Passwords
audit-kind-account = Accounts
audit-kind-user = Users
audit-kind-api_token = API tokens
audit-kind-enrolment = Enrolments
audit-kind-tenant = Site
audit-kind-course = Courses
audit-kind-shop = Shop
audit-kind-announcement = Announcements
audit-kind-platform = Platform
audit-kind-certificate = Certificates
audit-kind-grade = Grades
audit-kind-question_bank = Question bank
audit-kind-mfa = Two-step sign-in
audit-kind-voucher = Voucher codes

# Second factor
mfa-title = Two-step sign-in
mfa-on = Two-step sign-in is on: after your password, you type a code from your authenticator app.
mfa-off = Two-step sign-in is off. Turn it on to protect your account with a code from an authenticator app (FreeOTP, Aegis, Google Authenticator…).
mfa-enable = Turn on two-step sign-in
mfa-disable = Turn off two-step sign-in
mfa-recovery-left = Recovery codes left: { $count }.
mfa-enrol-title = Add your account to your authenticator app
mfa-enrol-scan = Scan this QR code with the app, then type the 6-digit code it shows.
mfa-enrol-manual = Or type this key in the app:
mfa-enrol-retry = Type the current code from the app again.
mfa-qr-label = QR code to scan with an authenticator app
mfa-confirm = Check the code and turn on
mfa-codes-title = Your recovery codes
mfa-codes-lead = Keep these codes somewhere safe: each one signs you in once if you lose your phone. They are shown only now.
mfa-codes-done = I have saved them
mfa-signin-title = Two-step sign-in
mfa-signin-lead = Type the 6-digit code from your authenticator app, or one of your recovery codes.
field-mfa-code = Code
mfa-verify = Sign in
field-require-mfa-admins = Administrators must use two-step sign-in
flash-mfa-required = This site asks its administrators to use two-step sign-in: turn it on to continue.
flash-mfa-disabled = Two-step sign-in is off.
err-mfa_code_wrong = This code is not right, or it was already used.
err-mfa_pending_invalid = This sign-in has expired; sign in again.
err-mfa_already_enabled = Two-step sign-in is already on.
err-mfa_not_enabled = Two-step sign-in is not on.
err-mfa_not_started = Start again from your account page.

# Question bank
bank-title = Question bank
bank-import = Import questions (Moodle GIFT format)
field-gift-file = GIFT file
field-gift-text = Or paste GIFT text
gift-help = All or nothing: if any question has a problem, nothing is imported and each problem is listed with its line.
bank-import-submit = Import
bank-export = Export the bank as GIFT
bank-imported = { $count ->
    [one] { $count } question imported.
   *[other] { $count } questions imported.
}
bank-import-refused = Nothing was imported. Fix these lines and import again:
bank-line = Line { $line }
bank-import-lines-refused = { $count ->
    [one] One line has a problem, listed above; correct it here and import again.
   *[other] { $count } lines have a problem, listed above; correct them here and import again.
}
bank-categories = Categories
bank-category = Category
bank-points = Points
bank-empty = No question yet.
qtype-single_choice = Single choice
qtype-multiple_choice = Multiple choice
qtype-true_false = True/false
qtype-numeric = Numeric
qtype-short_text = Short answer
qtype-matching = Matching
qtype-ordering = Ordering
qtype-fill_blanks = Fill in the blanks
qtype-essay = Essay
err-gift_empty = The file has no question.
err-gift_brace_unclosed = A brace {"{"} is never closed.
err-gift_brace_unexpected = A closing brace {"}"} has no opening brace.
err-gift_answer_block_missing = This question has no answer block {"{"} … {"}"}.
err-gift_answer_block_repeated = This question has two answer blocks.
err-gift_answer_empty = An answer is empty.
err-gift_answer_syntax_invalid = An answer is not written as =right, ~wrong, ~%50%partial or #number.
err-gift_correct_answer_not_unique = A single-choice question has more than one right answer.
err-gift_correct_answer_required = No answer is marked right (=).
err-gift_escape_unknown = Unknown escape: only \~ \= \# \{"{"} \{"}"} \: \\ and \n are allowed.
err-gift_html_unsafe = The HTML has scripts, frames or event handlers.
err-gift_matching_syntax_invalid = A matching pair must be written =left -> right.
err-gift_missing_word_unsupported = This type of question cannot be a missing word.
err-gift_numeric_invalid = A numeric answer is not a number, a number:tolerance or a range min..max.
err-gift_question_empty = A question has no text.
err-gift_title_unclosed = A title ::… is never closed with ::.
err-gift_too_few = Too few answers for this type of question.
err-gift_weight_invalid = A weight %…% is not a percentage between -100 and 100.
err-gift_file_too_large = The file is too large to import; split it into several files.
err-gift_required = A question or answer text is empty; write it.
err-gift_too_long = A text of this question is too long; shorten it.
err-gift_too_many = This question has too many answers; remove some.
err-gift_out_of_range = A number of this question (weight, tolerance or points) is out of range; correct it.
err-gift_invalid_characters = This question contains control characters; remove them.
err-gift_weights_sum_invalid = The weights of the correct answers (%50% …) must add up to 100 %.
err-gift_ids_duplicate = Two answers of this question are the same; write each answer once.
err-gift_blanks_mismatch = The blanks of this question do not match its answers; write one answer per blank.
err-gift_question_invalid = This question is not valid.

## Quizzes and gradebook
kind-quiz = Quiz
next-page = Next page
quiz-about = About this quiz
quiz-questions = Questions
quiz-max-points = Points
quiz-attempts-allowed = Attempts allowed
quiz-attempts-help = 0 means unlimited.
quiz-unlimited = Unlimited
quiz-time-limit = Time limit
quiz-time-limit-field = Time limit (minutes, empty for none)
quiz-pass-percent = Pass mark (%)
quiz-pass-percent-help = The share of the points needed to pass this quiz. Leave empty for none.
quiz-minutes = { $n } min
quiz-untimed = None
quiz-opens = Opens
quiz-closes = Closes
quiz-keep = Grade kept
quiz-keep-highest = Highest attempt
quiz-keep-last = Last attempt
quiz-keep-average = Average of attempts
quiz-your-grade = Your grade
quiz-resume = Resume your attempt
quiz-timer-warning = Once started, you have { $n ->
    [one] 1 minute
   *[other] { $n } minutes
}. The timer keeps running if you leave the page; answers given after the time limit do not count.
quiz-start = Start the quiz
quiz-start-again = Start a new attempt
quiz-your-attempts = Your attempts
quiz-state = State
quiz-submitted-at = Submitted
quiz-score = Score
attempt-open = In progress
attempt-submitted = Submitted
quiz-pending = Awaiting grading
quiz-attempt-n = Attempt { $n }
quiz-time-left = Time left:
quiz-autosave-help = Your answers are saved as you go. Submit when you are done: a submitted attempt is final.
quiz-result = Result
quiz-percent = { $percent } %
quiz-passed = Passed
quiz-not-passed = Not passed
quiz-pass-mark = Pass mark: { $percent } %
quiz-not-answered = Not answered
quiz-unanswered-title = { $n ->
    [one] One question is not answered
   *[other] { $n } questions are not answered
}
quiz-unanswered-help = Your answers are saved. Answer the questions below, or submit as it is: a submitted attempt is final and unanswered questions earn no points.
quiz-submit-anyway = Submit anyway
quiz-unanswered-confirm = Not answered yet:
quiz-submitted-no-score = Your attempt is submitted. The score will be shown according to the quiz's rules.
quiz-back = Back to the quiz
quiz-question-n = Question { $n }
quiz-points = { $n ->
    [one] { $n } point
   *[other] { $n } points
}
quiz-choose-all = Choose all that apply.
answer-true = True
answer-false = False
quiz-your-answer = Your answer
quiz-unit = Unit
quiz-choose = Choose…
quiz-order-help = Give each item its position, from 1 to { $n }.
quiz-blank-n = Blank { $n }
quiz-earned = { $got } of { $max ->
    [one] { $max } point
   *[other] { $max } points
}
quiz-correct-answer = Correct answer:
quiz-save = Save answers
quiz-submit = Submit the attempt
quiz-submit-confirm = Submit your attempt? You cannot change your answers afterwards.
quiz-saved-at = Saved ({ $n } answered) at
quiz-settings = Quiz settings
quiz-question-col = Question
quiz-points-col = Points
quiz-points-of = Points for { $title }
quiz-points-own = Empty: its own { $n ->
    [one] { $n } point
   *[other] { $n } points
}
quiz-points-each = Points for each question drawn
quiz-draw-row = { $count ->
    [one] One random question from “{ $category }”
   *[other] { $count } random questions from “{ $category }”
}
quiz-draw-kind = Random
quiz-draw-holds = { $count ->
    [0] The category holds no question.
    [one] The category holds one question.
   *[other] The category holds { $count } questions.
}
quiz-missing-row = A question no longer in the bank
quiz-row = Question { $n } ({ $title })
quiz-remove = Remove
quiz-slots-help2 = Move a question with its arrows or drag it to its place, or remove it; the changes are saved with the settings.
quiz-slots-moved = Moved. Save the quiz to keep this order.
quiz-no-question = This quiz has no question yet.
quiz-pick-link = Pick questions from the bank below.
quiz-rules = Rules
quiz-save-settings = Save the quiz
quiz-pick-title = Add questions from the bank
quiz-pick-search = Search the question bank
quiz-pick-words = Words of the title
quiz-pick-filter = Show
quiz-pick-tick = Add
quiz-pick-in = In the quiz
quiz-pick-add = Add the ticked questions
quiz-pick-none = No question matches this search.
quiz-pick-more = Only the first 200 questions found are listed: narrow the search to see the others.
quiz-draw-title = Add random questions from a category
quiz-draw-help = Each learner gets different questions, drawn at random from the category for each attempt.
quiz-draw-option = { $category } ({ $count ->
    [one] one question
   *[other] { $count } questions
})
quiz-draw-count = How many questions to draw
quiz-draw-points = Points for each question
quiz-draw-add = Add the random questions
quiz-shuffle-questions = Show the questions in a different order to each learner
quiz-shuffle-answers = Show the options in a different order to each learner
quiz-feedback-when = Show the score and feedback
quiz-answers-when = Show the correct answers
reveal-immediately = As soon as the attempt is submitted
reveal-after_close = After the quiz closes
reveal-never = Never
quiz-bank-empty = The question bank is empty. Import questions (GIFT) from the course page first.
quiz-grading-queue = Essays to grade
quiz-grading-empty = No essay is waiting for a grade.
grade-save = Save the grades
gradebook = Gradebook
grades-mine = My grades
grades-course = Course grade
grades-passed = Passed
grades-not-passed = Not passed yet
grades-meter = { $got } % of 100, pass mark { $pass } %
grades-none-yet = Nothing graded yet.
grades-pass-mark = Pass mark: { $n } %.
grades-items = Graded items
grades-item = Item
grades-category = Category
grades-points = Points
grades-default-category = Course
grades-excused = Excused
grades-excused-short = EX
grades-categories = Categories
grades-weight = Weight
grades-filter = Course grade
grades-filter-passed = Passed
grades-filter-failed = Not passed
grades-filter-ungraded = Not graded yet
grades-overridden = Set by the course team
grades-no-learners = No learner matches.
grades-scheme = Categories, weights and pass mark
grades-scheme-json = Grading scheme (JSON)
grades-scheme-help = "categories": id, name, weight, drop_lowest, only_graded; "pass_percent"; "columns": each graded item's category, weight and extra_credit. Every course grade is recomputed after saving.
grades-scored = Scored
grades-override = Override (points)
grades-reason = Reason
grades-override-total = Override the course grade
grades-percent = Course grade (%; empty removes the override)
flash-answers-saved = Your answers are saved.
flash-attempt-submitted = Your attempt is submitted.
flash-quiz-saved = The quiz settings are saved.
flash-quiz-questions-added = The ticked questions have been added at the end of the quiz.
flash-quiz-draw-added = The random questions have been added at the end of the quiz.
flash-graded = The grades are saved.
flash-scheme-saved = The grading scheme is saved; course grades are being recomputed.
flash-grade-saved = The grade is saved.
err-quiz_not_learner = Only enrolled learners take quizzes. Use "preview as a learner" to see the questions.
err-quiz_empty = This quiz has no questions yet.
err-quiz_not_open = This quiz is not open yet.
err-quiz_closed = This quiz is closed.
err-quiz_no_attempts_left = You have used all your attempts at this quiz.
err-quiz_unavailable = This quiz cannot be started: some of its questions are no longer in the question bank. Please tell the course team.
err-attempt_started_twice = The attempt could not be started; reload the page.
err-attempt_closed = This attempt is already submitted; your answers were not changed.
err-attempt_expired = The time limit of this attempt has passed: answers sent after it do not count. The attempt was graded with the answers saved in time.
err-attempt_already_submitted = This attempt is already submitted; it cannot be submitted twice.
err-attempt_not_pending = This attempt has nothing left to grade.
err-question_unknown = This question is not part of this attempt or quiz.
err-question_twice = This question is in the quiz twice.
err-not_enough_questions = The category does not have that many questions.
err-slot_invalid = This line is neither a question id nor "draw:COUNT:POINTS:CATEGORY".
err-category_unknown = The question bank has no such category.
err-item_has_work = Learners have attempts or submissions on this item: deleting it would delete their work. Unpublish it instead to hide it from learners.
err-question_in_quiz = A quiz uses this question: remove it from the quiz first.
err-too_many = There are too many.
err-too_few = Too few entries here; add more.
err-ids_duplicate = Two entries have the same identifier; give each one its own.
err-correct_answer_required = Mark at least one answer as correct.
err-correct_answer_not_unique = A single-choice question has exactly one correct answer; mark only one.
err-weights_sum_invalid = The credits of the correct answers must add up to 100 %.
err-blanks_mismatch = The blanks in the text do not match the answers: put each blank once in the text, numbered from 1, one per answer.
err-number_invalid = Enter a number.
err-before_start = This must come after the opening date.
err-answer_invalid = This answer does not fit the question.
err-order_invalid = Give each item a different position.
err-json_invalid = This is not valid JSON of the expected shape.
err-category_in_use = A graded item is still in a category you removed; move it first.
err-grade_weights_zero = At least one category needs a weight above zero.
err-grade_category_unknown = This category does not exist.
err-grade_id_duplicate = This id is used twice.
## Certificates
certificate-title = Your certificate
certificate-ready = You passed this course: your certificate is ready.
certificate-pending = You passed this course: your certificate is being prepared. Come back in a few minutes.
certificate-download = Download the certificate (PDF)
certificate-verify-link = Public verification page
certificates-mine = My certificates
certificates-none = You have no certificate yet. Pass a course that gives one and it will appear here.
certificate-course = Course
certificate-run = Edition
certificate-learner = Learner
certificate-issued-on = Issued on
certificate-code = Verification code
certificate-status = Status
certificate-status-issued = Valid
certificate-status-pending = Being prepared
certificate-status-revoked = Revoked
certificate-grade = Grade
certificate-issuer = Issued by
certificate-actions = Actions
certificate-verify-title = Verify a certificate
certificate-verify-lead = Enter the code printed on the certificate (for example ABCD-EFGH-JKMN) to check that it is genuine.
certificate-verify-code-help = Twelve letters and digits; dashes and spaces do not matter.
certificate-verify-submit = Verify
certificate-verify-valid = This certificate is valid.
certificate-verify-revoked = This certificate was revoked on { $date }. It is no longer valid.
certificate-verify-unknown-title = Certificate not found
certificate-verify-unknown = No certificate of this site has this code. Check the code as printed on the certificate.
certificate-verify-try-again = Try another code
certificate-verify-another = Verify another certificate
certificates-title = Certificates
certificate-settings = Certificate settings
certificate-enabled = This edition gives certificates to the learners who pass it
certificate-disabled = This edition gives no certificates.
certificate-min-completion = Minimum completion (%)
certificate-min-completion-help = Share of the items a learner must have completed, besides passing (0 for none).
certificate-show-grade = Print the grade on certificates
certificate-show-grade-site = As the site's template says
certificate-show-grade-yes = Yes
certificate-show-grade-no = No
certificates-issued = Certificates of this edition
certificates-none-run = No certificate yet.
certificate-revoke-reason = Reason for revoking
certificate-revoke = Revoke
certificate-reissue = Re-issue
certificate-template = Certificate template
certificate-template-lead = How this site's certificates look. Names and titles are printed as typed.
certificate-preview = Preview a sample certificate (PDF)
certificate-colour = Certificate colour
certificate-colour-help = A colour such as #1d4ed8; leave empty to use the site's brand colour (now { $colour }).
certificate-signature = Signature { $n }
certificate-signature-title = Title or role
certificate-images = Logo and signature images
certificate-images-help = PNG, JPEG or SVG, at most { $kib } KiB. A signature needs a name before its image.
certificate-logo = Logo
certificate-signature-image = Image of signature { $n }
certificate-image-set = set
certificate-image-upload = Upload
certificate-image-remove = Remove
admin-certificates-lead = Colour, logo, signatures and a preview of the certificates.
flash-certificate-settings-saved = The certificate settings have been saved.
flash-certificate-revoked = The certificate has been revoked.
flash-certificate-reissued = A new certificate is being prepared; the old one now shows as revoked.
flash-certificate-template-saved = The certificate template has been saved.
err-percent_invalid = Enter a whole number from 0 to 100.
err-file_required = Choose a file.
err-image_too_large = The image is too large (at most 1 MiB).
err-image_type_invalid = Use a PNG, JPEG or SVG image.
err-image_invalid = This image cannot be drawn on a certificate; try exporting it again.
err-signature_name_first = Give this signature a name (and save) before its image.
err-certificate_not_valid = This certificate is not valid any more.
err-certificate_already_replaced = A new certificate has already been issued in place of this one.
err-certificate_valid_exists = This learner already holds a valid certificate for this edition.
mail-certificate-subject = Your certificate: { $course }
mail-certificate-body =
    Hello { $name },

    Congratulations: you passed { $course } ({ $run }). Your certificate is ready; download it here (sign in first):

    { $link }

    Anyone can check that it is genuine at:

    { $verify }
## Single sign-on
signin-with-provider = Sign in with your organisation
signin-with = Sign in with { $provider }
signin-with-password = Or with your password
field-username = Username
field-hide-local-passwords = Hide password sign-in (single sign-on only)
field-hide-local-passwords-hint = Platform administrators can still use /signin?local=1.
flash-provider-saved = The identity provider was saved.
flash-provider-deleted = The identity provider was deleted.
sso-error-title = Sign-in failed
sso-error-back = Back to sign-in
sso-link-title = Link your account
sso-link-lead = An account with the address { $email } already exists. Enter its password to link it to { $provider }; next time, { $provider } alone signs you in.
sso-link-submit = Link and sign in
sso-signout-title = Signing you out
sso-signout-body = You are signed out here. Signing you out of { $provider } too…
sso-signout-continue = Continue to { $provider }
sso-admin-title = Identity providers
sso-admin-card = Single sign-on: LDAP, SAML, OpenID Connect and partner platforms.
sso-admin-lead = People sign in through these providers. Each one has its own configuration, attribute mapping and group rules.
sso-admin-local-hidden = Password sign-in is hidden on this site: people sign in through the providers below.
sso-admin-add = Add a provider
sso-admin-none = No identity provider yet.
sso-field-kind = Kind
sso-kind-ldap = LDAP directory
sso-kind-saml = SAML 2.0
sso-kind-oidc = OpenID Connect
sso-kind-partner = Partner platform
sso-field-display-name = Name on the sign-in button
sso-field-slug = Short name
sso-field-slug-help = Lowercase letters, digits and dashes; it appears in this provider's addresses and cannot change.
sso-field-position = Position on the sign-in page
sso-field-enabled = Enabled
sso-field-jit = Create accounts on first sign-in
sso-field-config = Connection settings
sso-field-config-help = Secrets (client secret, service account password) are stored encrypted and never shown again.
sso-cfg-issuer = Issuer or discovery URL
sso-cfg-issuer-help = OIDC: the provider's issuer; its discovery document is read from /.well-known/openid-configuration under it. Partner: the iss of its tokens.
sso-cfg-client_id = Client id
sso-cfg-client_secret = Client secret
sso-cfg-scopes = Scopes
sso-cfg-scopes-help = Besides openid, separated by spaces (for example: email profile groups).
sso-cfg-userinfo = Ask the userinfo endpoint for more claims
sso-cfg-audience = Audience (aud of the tokens)
sso-cfg-algorithm = Signing algorithm
sso-cfg-public_key_pem = Public key (PEM)
sso-cfg-jwks_url = Key set (JWKS) URL
sso-cfg-jwks_url-help = Give the public key or the key set URL.
sso-cfg-max_lifetime_secs = Longest token lifetime (seconds)
sso-cfg-run_claim = Claim naming the course edition
sso-cfg-url = Directory URL
sso-cfg-url-help = ldaps://host or ldap://host (with StartTLS).
sso-cfg-starttls = Use StartTLS on ldap://
sso-cfg-ca_pem = Certificate authority (PEM)
sso-cfg-ca_pem-help = Only when the directory's certificate comes from a private authority.
sso-cfg-bind_dn = Service account DN
sso-cfg-bind_password = Service account password
sso-cfg-base_dn = Where people are searched (base DN)
sso-cfg-user_filter = Filter that finds a person
sso-cfg-user_filter-help = {"{"}username{"}"} stands for what the person types.
sso-cfg-attributes = Attributes read
sso-cfg-attributes-help = Separated by spaces.
sso-cfg-group_base_dn = Where groups are searched (base DN)
sso-cfg-group_filter = Filter that finds a person's groups
sso-cfg-group_filter-help = {"{"}dn{"}"} stands for the person's entry, {"{"}username{"}"} for what they typed.
sso-cfg-group_name_attribute = Attribute with the group name
sso-cfg-member_of_attribute = Attribute listing the person's groups (memberOf)
sso-cfg-timeout_ms = Time allowed per request (milliseconds)
sso-cfg-trust_email = Trust the email address the provider gives (link existing accounts without asking for their password)
sso-cfg-idp_metadata_url = Identity provider metadata URL
sso-cfg-idp_metadata_xml = Or its metadata (XML)
sso-cfg-idp_metadata_xml-help = Give the metadata URL, or paste the metadata.
sso-cfg-sp_entity_id = Our entity id (if the provider expects another one)
sso-cfg-want_assertions_signed = Require signed assertions
sso-cfg-want_response_signed = Require a signed response
sso-cfg-allow_idp_initiated = Accept sign-ins started at the identity provider
sso-cfg-clock_skew_secs = Clock difference allowed (seconds)
sso-secret-keep = A secret is saved. Leave this empty to keep it, or type a new one to replace it.
sso-copy = Copy
sso-copied = Copied.
sso-urls-lead = Register these addresses at the identity provider.
sso-test = Test the connection
sso-test-lead = Checks the saved configuration from this server; nobody is signed in.
sso-test-ok = The connection works.
sso-test-failed = The connection does not work yet.
sso-test-discovery = Discovery document read; sign-in starts at
sso-test-keys = Signing keys found
sso-test-ldap = Service account bound; base DN read
sso-test-metadata-fetch = Metadata fetched from
sso-test-metadata = Metadata read (entity id · sign-in URL · signing certificates)
sso-test-problem = Problem
sso-mapping = Attribute mapping
sso-map-email = Attribute with the email
sso-map-name = Attribute with the name
sso-map-external-id = Attribute with a stable id (instead of the subject)
sso-map-groups = Attribute with the groups
sso-field-group-rules = Group rules (JSON)
sso-field-group-rules-help = For example [{"{"}"group": "staff", "tenant_role": "admin"{"}"}, {"{"}"group": "sales", "run": "run id", "course_role": "learner"{"}"}], applied at each sign-in. What a rule gave is taken back when the person leaves the group; what you give by hand stays.
sso-enabled = Enabled
sso-disabled = Disabled
sso-enable = Enable
sso-disable = Disable
sso-delete = Delete
sso-urls = Addresses to give the provider
sso-url-callback = Redirect (callback) URL
sso-url-metadata = Service provider metadata
sso-url-acs = Assertion consumer service
sso-url-slo = Single logout
sso-url-hand-off = Hand-off address
sso-url-login = Sign-in starts at
sso-reason-provider-unknown = This sign-in method does not exist or is turned off.
sso-reason-provider-config-invalid = This sign-in method is not configured correctly. Please tell the site administrator.
sso-reason-provider-unreachable = The identity provider could not be reached. Please try again later.
sso-reason-code-rejected = The identity provider did not accept this sign-in (it may have been used already). Please start again.
sso-reason-id-token-missing = The identity provider did not say who you are. Please start again.
sso-reason-token-expired = The sign-in token has expired. Please start again.
sso-reason-audience-wrong = The sign-in token was meant for another site.
sso-reason-issuer-wrong = The sign-in token comes from an unexpected issuer.
sso-reason-nonce-wrong = The sign-in token does not belong to this sign-in. Please start again.
sso-reason-signature-invalid = The sign-in token's signature is not valid.
sso-reason-id-token-invalid = The sign-in token is not valid.
sso-reason-userinfo-failed = The identity provider did not give your details. Please try again.
sso-reason-token-malformed = The sign-in link is incomplete or damaged.
sso-reason-algorithm-not-allowed = The sign-in token is signed in a way this site does not accept.
sso-reason-key-unknown = The sign-in token is signed with a key this site does not know.
sso-reason-token-not-yet-valid = The sign-in token is not valid yet. Check the partner's clock.
sso-reason-token-lifetime-too-long = The sign-in token lives too long; partners must issue tokens valid for a few minutes only.
sso-reason-claim-missing = The sign-in token lacks required information.
sso-reason-state-invalid = This sign-in did not start here, or it was already used. Please start again.
sso-reason-provider-error = The identity provider refused or cancelled the sign-in.
sso-reason-code-missing = The identity provider's answer is incomplete. Please start again.
sso-reason-token-replayed = This sign-in link was already used.
sso-reason-next-invalid = The page to open after sign-in is not on this site.
sso-reason-subject-missing = The identity provider did not give a stable identifier for you.
sso-reason-subject-too-long = The identity provider's identifier for you is too long.
sso-reason-email-invalid = The identity provider gave an email address that is not valid.
sso-reason-email-missing = The identity provider did not give your email address, which is needed to create your account.
sso-reason-account-not-found = No account on this site is linked to you yet. Please ask the site administrator for access.
sso-reason-account-inactive = Your account on this site is deactivated.
sso-reason-identity-already-linked = This identity is already linked to an account. Please sign in again.
sso-reason-link-expired = The account link has expired. Please sign in with your provider again.
sso-reason-link-password-wrong = The password is not right.
sso-reason-other = The sign-in could not be completed.
err-local_passwords_hidden = This site signs people in through its identity providers only.
err-provider_slug_taken = Another provider already uses this short name.
err-provider_kind_fixed = The kind of a provider cannot change.
err-provider_slug_fixed = The short name of a provider cannot change.
err-json_object_expected = Enter a JSON object ({"{"} … {"}"}).
err-config_key_unknown = unknown key for this kind of provider
err-boolean_expected = true or false expected
err-number_out_of_range = number out of the allowed range
err-words_expected = a list of words expected
err-text_expected = text expected
err-partner_key_required = give the partner's public key (PEM) or its JWKS URL
err-pem_invalid = this is not a public key of the chosen algorithm
err-ldap_bind_pair = give both the bind DN and its password, or neither
err-saml_metadata_required = give the identity provider's metadata URL or XML
err-lti_keys_required = give the tool's key set URL or paste its public key
err-lti_custom_invalid = Write one parameter a line, as name=value (letters, digits, _ - . in names).
err-lti_tool_disabled = This external tool is turned off by the site's administrators.
err-lti_launch_invalid = This launch has expired or was not made for you. Open the item again.
err-lti_tool_has_grades = This tool has reported grades: turn it off instead of deleting it.
err-mapping_invalid = The email and name attributes are required.
err-group_rules_invalid = Each rule needs a group and either "tenant_role" or "run".
err-group_rule_role_invalid = Unknown role in a group rule (tenant: admin; course: instructor, teaching_assistant, learner, observer).
err-group_rule_run_unknown = A group rule names a course run that does not exist on this site.
sso-reason-invalid-credentials = The username or password is not right.
sso-reason-rate-limited = Too many attempts. Please wait a few minutes and try again.
err-attribute_invalid = not a valid attribute name
err-filter_invalid = not a valid LDAP filter
err-filter_needs_placeholder = the group filter must contain {"{"}dn{"}"} or {"{"}username{"}"}
err-filter_needs_username = the filter must contain {"{"}username{"}"}
err-starttls_needs_ldap_url = StartTLS needs an ldap:// address (ldaps:// is already encrypted)
err-ldap_url_invalid = an ldap:// or ldaps:// address (host and port, nothing else) is expected
err-dn_invalid = This is not a valid distinguished name; write it like cn=reader,dc=example,dc=org.
sso-reason-saml-malformed = The identity provider's answer is not a valid SAML response.
sso-reason-saml-decryption-failed = The identity provider's answer could not be decrypted.
sso-reason-saml-wrong-endpoint = The identity provider's answer was addressed to another site or address.
sso-reason-saml-unsolicited = This site accepts only sign-ins that start here. Please start again from the sign-in page.

## Assignments and peer assessment
kind-assignment = Assignment
kind-peer = Peer assessment
kind-tool = External tool
kind-package = SCORM or cmi5 package
as-rules = How it works
as-due = Due
as-hard-deadline = Hard deadline
as-hard-deadline-help = Nothing is accepted after this date, whatever the late policy.
as-late-policy = Late work
as-late-policy-penalty = Accepted with a penalty per day late
as-late-policy-refuse = Refused after the due date
as-late-refuse = Not accepted after the due date.
as-late-penalty = Accepted with { $percent } % off per day late.
as-late-penalty-percent = Penalty per day late (%)
as-max-points = Maximum points
as-max-points-help = Used when there is no rubric; with a rubric the best levels make the maximum.
as-rubric = Rubric
as-rubric-help = One criterion per line: Title: level = points; level = points. For example "Argument: Weak = 0; Fair = 2; Strong = 4".
as-criterion = Criterion
as-levels = Levels
as-chosen = chosen
as-your-grade = Your grade
as-points-of = { $points } out of { $max }
as-penalty = { $points ->
    [one] { $points } point off
   *[other] { $points } points off
}
as-feedback = Feedback
as-your-work = Your work
as-submitted-at = Handed in on { $date } (version { $version })
as-late-days = { $days ->
    [one] { $days } day late
   *[other] { $days } days late
}
as-late-now = If you hand in now, your work is { $days ->
    [one] { $days } day late
   *[other] { $days } days late
}.
as-resubmit = Hand in a new version
as-hand-in = Hand in your work
as-text = Your answer
as-text-help = Markdown is allowed. "Save draft" keeps your text without handing it in.
as-draft-kept = A draft is kept; it is not handed in yet.
as-submit = Hand in
as-save-draft = Save draft
as-phase-submission = Submission phase: hand in your work.
as-phase-review = Review phase: review the work of your peers.
as-phase-closed = Reviews are closed; results come soon.
as-phase-results = Results are out.
as-submission-until = Work accepted until
as-review-from = Reviews open
as-review-until = Reviews close
as-results-from = Results
as-reviews-required = Reviews to give
as-waiting-staff = Your work did not get enough reviews; the course team will grade it.
as-reviews-received = Reviews of your work
as-self-assessment = Self-assessment
as-review-n = Review { $n }
as-score = score { $score }
as-excluded = set aside
as-flagged = You flagged this review; the course team will look at it.
as-flag = Flag this review as unfair
as-flag-reason = Why is it unfair?
as-flag-send = Send to the course team
as-volunteer = Review more
as-volunteer-extra = Extra reviews I offer to do
as-reviews-to-do = Reviews to do
as-submission-n = Submission { $n }
as-done = done
as-to-do = to do
as-no-tasks-yet = No work to review has been given to you yet.
as-comment = Comment for the author
as-comment-help = Be specific and kind. Your name is not shown to the author.
as-send-review = Send the review
as-back-to-item = Back to the assessment
as-review-of = Review of submission { $n }
as-their-work = The work
as-your-review = Your review
as-edit-item = Edit the item
as-queue = Grading queue
as-settings = Assessment settings
as-k = Reviews per submission
as-m = Reviews each learner must give
as-max-extra = Extra reviews a volunteer may ask for
as-self-assessment-on = Learners assess their own work too
as-self-weight = Weight of the self-assessment (0 to 1)
as-aggregate = Grade from the peers' scores
as-median = Median
as-mean = Mean
as-missing-penalty = Penalty per review not given (% of the maximum)
as-shortfall = Work with too few reviews
as-shortfall-staff = Goes to the course team
as-shortfall-available = Is graded from the reviews it has
as-filters = Filters
as-filter-ungraded = Not graded
as-filter-graded = Graded
as-filter-late = Late
as-filter-staff = For the course team
as-filter-all = All
as-learner = Learner
as-submitted = Handed in
as-late = Late
as-grade = Grade
as-needs-staff = needs the course team
as-queue-empty = Nothing here.
as-flags = Flagged reviews
as-flags-none = No flagged review.
as-open-submission = Open the submission
as-resolution = Note
as-uphold = Uphold (the review stops counting)
as-dismiss = Dismiss
as-current-grade = Current grade: { $points } out of { $max }
as-override = Set the grade
as-override-reason = Reason (kept in the record)
as-points = Points (0 to { $max })
flash-draft-saved = Your draft is saved.
flash-work-submitted = Your work is handed in.
flash-volunteer-saved = Thank you: your offer is recorded.
flash-review-saved = Your review is sent.
flash-flag-sent = The course team will look at this review.
flash-settings-saved = The settings are saved.
flash-flag-resolved = The flag is resolved.
err-deadline_passed = The deadline has passed: nothing can be handed in any more.
err-already_graded = This work is graded already; it can no longer be changed.
err-not_submitted = This work has not been handed in.
err-review_not_open = The review phase has not started yet.
err-review_closed = The review phase is over.
err-submission_locked = Your work is being reviewed; it can no longer be changed.
err-submit_first = Hand in your own work first.
err-review_already_submitted = This review has already been sent.
err-self_assessment_off = This assessment has no self-assessment.
err-results_not_out = The results are not out yet.
err-already_flagged = You have already flagged this review.
err-flag_resolved = This flag has already been resolved.
err-rubric_format = Write one criterion per line: Title: level = points; level = points.
err-rubric_empty = The rubric needs at least one criterion.
err-rubric_levels_too_few = Each criterion needs at least two levels.
err-rubric_points_invalid = Points must be numbers of at least 0.
err-rubric_points_duplicate = Two levels of a criterion have the same points.
err-rubric_incomplete = Choose a level for every criterion.
err-rubric_level_invalid = This level does not exist in the rubric.
err-reviewer_duplicate = A reviewer is listed twice for the peer review; list each reviewer once.
err-submission_duplicate = A submission is listed twice for the peer review; list each submission once.
err-deadline_before_due = The hard deadline must not be before the due date.
err-dates_out_of_order = The phases' dates must follow each other.
as-accept-files = Learners may attach files
as-max-files = Most files per submission
as-max-file-mb = Largest file (MB)
as-files = Attached files
as-remove-file = Remove
as-attach-file = Attach a file
as-file = File
as-file-help = Up to { $files ->
    [one] 1 file
   *[other] { $files } files
} of { $mb } MB each: PDF, images, office documents, text, zip.
flash-file-removed = The file is removed.
err-files_not_accepted = This assignment does not take files.
err-too_many_files = You have attached as many files as allowed; remove one first.

# LTI launches
lti-opening = Opening the tool…
lti-opening-help = If the tool does not open by itself, press Continue.
lti-continue = Continue
lti-open = Open { $name } in a new window
field-tool = Tool
field-presentation = Opens
presentation-iframe = In the page
presentation-window = In a new window
field-tool-completion = Counts as done
tool-completion-launch = When opened
tool-completion-score = When the tool sends a score
tool-completion-pass = When the tool sends a passing score
err-lti_deep_link_invalid = The tool's answer could not be checked or has expired. Open the tool's content picker again.
err-lti_content_refused = The tool sent content Amphi cannot add (it takes tool links, links, files and HTML). Nothing was added.
err-package_invalid = The package was refused: see the problems listed below. Nothing was stored.
err-package_missing = This item has no package yet.
err-package_no_attempt_left = You have used every attempt this item allows.
err-package_au_satisfied = This AU already counts as done for this learner: there is nothing to waive.
err-package_conflict = This attempt was saved from another tab or window meanwhile. Reload to continue from there.
err-package_session_invalid = This session of the content has expired. Reload the page: your progress until now is saved.
err-package_data_invalid = The content sent data that could not be read. Nothing was saved.
audit-action-lti-deep_link_created = Items added from an external tool
audit-action-lti-deep_link_refused = External tool content refused
lti-pick = Add from { $name }
flash-lti-added = The items picked in the tool were added as drafts.

# LTI tools administration
lti-admin-title = External tools
lti-admin-card = LTI 1.3 tools that course teams can put in their courses, and this platform's signing key.
lti-admin-lead = Tools registered here can be launched from course items. Each tool gets a client id and a deployment id; give them to the tool's developer with the details of this platform below.
lti-admin-add = Register a tool
lti-admin-caption = Registered tools
lti-admin-none = No tool is registered yet.
lti-client-id = Client id
lti-deployment-id = Deployment id
lti-services = Services
lti-privacy = Privacy
lti-privacy-help = What the tool learns about the people who open it, besides an identifier.
lti-privacy-nothing = Identifier only
lti-none = None
lti-tool-on = On
lti-tool-off = Off
lti-turn-on = Turn on
lti-turn-off = Turn off
lti-short-ags = Grades
lti-short-nrps = Members
lti-short-deep-linking = Deep linking
lti-short-name = Name
lti-short-email = Email
lti-short-picture = Picture
lti-platform-title = This platform
lti-platform-lead = Give these details to the tool's developer: the tool needs them to accept launches from this site and to use its services.
lti-platform-issuer = Issuer
lti-platform-authorization-url = Authorization URL (OIDC authentication requests)
lti-platform-token-url = Access token URL
lti-platform-jwks-url = Key set URL (JWKS)
lti-platform-openid-configuration-url = OpenID configuration URL
lti-key-title = Replace the signing key
lti-key-lead = A new key signs every launch and token from now on. Launches in flight keep working: the old key stays published in the key set for a day.
lti-key-rotate = Replace the signing key
lti-ids-title = This tool's identifiers
lti-ids-lead = The tool's developer registers this platform with these identifiers.
lti-field-name = Name
lti-field-name-help = Shown to course teams when they add the tool to a course.
lti-field-login-url = Login initiation URL
lti-field-login-url-help = The tool's OIDC third-party login address, where every launch starts.
lti-field-target-link-uri = Target link URI
lti-field-target-link-uri-help = The tool's default launch address.
lti-field-redirect-uris = Redirect URIs
lti-field-redirect-uris-help = One address a line: where launches may be sent. When empty, the target link URI.
lti-field-deep-link-url = Deep linking URL
lti-field-deep-link-url-help = The tool's content picker, if it has one.
lti-keys-legend = The tool's keys
lti-keys-help = Give the tool's key set URL, or paste its public key.
lti-field-jwks-url = Key set URL
lti-field-public-key-pem = Public key (PEM)
lti-field-custom = Custom parameters
lti-field-custom-help = One name=value a line, sent with every launch. A value may be a variable: $User.id, $Person.name.full, $Person.email.primary, $Context.id, $Context.title, $ResourceLink.id, $ResourceLink.title, $Message.locale.
lti-field-ags = Assignment and Grade Services (the tool sends scores to the gradebook)
lti-field-nrps = Names and Role Provisioning (the tool lists the course's members)
lti-field-deep-linking = Deep Linking (course teams pick content in the tool)
lti-field-send-name = Send people's names
lti-field-send-email = Send people's email addresses
lti-field-send-picture = Send people's pictures
lti-field-enabled = Turned on
lti-field-enabled-help = A tool turned off cannot be launched nor use the services; the grades it reported are kept.
lti-delete-title = Delete this tool
lti-delete-lead = Deleting { $name } removes its registration, its client id and its deployment: course items that launch it stop working and the tool can no longer reach this site. A tool that has reported grades cannot be deleted; turn it off instead.
lti-delete = Delete the tool
lti-delete-refused = The tool was not deleted
flash-lti-tool-saved = The tool was saved.
flash-lti-tool-enabled = The tool is turned on.
flash-lti-tool-disabled = The tool is turned off.
flash-lti-tool-deleted = The tool was deleted.
flash-lti-key-rotated = The signing key was replaced. The old key stays published for a day.
lti-dr-title = Register a tool from its registration URL
lti-dr-lead = Tools that support LTI Dynamic Registration give you one URL: Amphi sends them its configuration and the tool registers itself. The link works for one tool, for an hour.
lti-dr-url = The tool's registration URL
lti-dr-start = Start the registration
lti-dr-continue-lead = The tool's registration page opens in a new window; it reads this platform's configuration and registers itself.
lti-dr-continue = Continue at the tool
lti-dr-after = When the tool says it is done, the new tool is listed in
field-tool-url = Address launched
field-tool-url-help = Leave empty to launch the tool's own address.
field-tool-custom = Custom parameters
field-tool-custom-help = One name=value a line, sent to the tool with each launch (for example level=2).

## Packages (SCORM, cmi5)
package-preview = Preview: nothing you do here is recorded.
package-attempts = Your attempts
package-attempts-allowed = { $n } allowed
package-attempt = Attempt
package-completion = Completion
package-success = Success
package-score = Score
package-completion-not_attempted = Not started
package-completion-incomplete = In progress
package-completion-completed = Completed
package-completion-unknown = Unknown
package-success-passed = Passed
package-success-failed = Failed
package-success-unknown = —
package-new-attempt = Start a new attempt
package-manage = Package
package-report = Learners' results
field-package-completion = Counts as done
package-completion-rule-completed = When the package reports it completed (or passed)
package-completion-rule-passed = Only when the package reports it passed
field-package-max-attempts = Attempts allowed
field-package-max-attempts-help = 0 for no limit. A learner may start a new attempt once the last one has begun.
field-package-max-points = Worth in the gradebook (points)
field-package-max-points-help = The package's best score, scaled to this.
package-saved = Progress saved.
package-save-failed = Your progress could not be saved. Check your connection; the content will try again.
package-ended = This part has ended. Choose what comes next.
package-refused = The package does not allow that now.
package-course-ended = The course has ended for this attempt.
package-contents = Contents
package-previous = Previous
package-next = Next
cmi5-opening = Opening the activity…
cmi5-opened-window = The activity is open in a window of its own. Come back here when you have finished.
cmi5-open-again = Open the activity again
cmi5-returned = You have left the activity.
cmi5-returned-help = Your progress is saved. Choose what comes next in the course's contents.
cmi5-course-satisfied = You have met every requirement of this course.
cmi5-launch-failed = The activity could not be opened. Reload the page and try again.
cmi5-block-done = done
cmi5-status-not_started = Not started
cmi5-status-started = In progress
cmi5-status-completed = Completed
cmi5-status-passed = Passed
cmi5-status-failed = Failed
cmi5-status-waived = Waived
cmi5-aus = Assignable units
cmi5-au = Assignable unit
cmi5-satisfied = counts as done
cmi5-waive = Waive
cmi5-waive-reason = Reason
cmi5-waive-button = Waive this unit
cmi5-waive-help = A waived unit counts as done for this learner (completed and passed, without a score). The learning record states who waived it and why.
cmi5-reason-tested-out = Tested out
cmi5-reason-equivalent-au = Equivalent unit of this course
cmi5-reason-equivalent-outside-activity = Equivalent activity elsewhere
cmi5-reason-administrative = Administrative
flash-cmi5-waived = The unit is waived for this learner.
flash-package-uploaded = The package is uploaded: learners now get this version.
flash-package-attempt-started = A new attempt has started.
package-heading = SCORM or cmi5 package
package-current = Learners get version { $version }: { $title }
package-none = No package yet: upload one.
package-versions = Versions
package-version = Version
package-standard = Standard
package-files = Files
package-uploaded-at = Uploaded
package-upload = Upload the package
package-upload-help = A .zip exported from Storyline, Rise, Captivate, iSpring or any SCORM 1.2, SCORM 2004 or cmi5 tool, with imsmanifest.xml (or cmi5.xml) at its root. A new upload becomes a new version; attempts already made keep theirs.
field-package-file = Package (.zip)
package-problems = { $n ->
    [one] The package was refused for one problem:
   *[other] The package was refused for { $n } problems:
}
package-problem-at = { $file }, line { $line }
package-report-heading = Learners' results
package-reset = Reset attempts
package-reset-confirm = Reset every attempt of { $name } at this package? What they did is deleted, and the item's progress and grade are cleared. This cannot be undone.
flash-package-attempts-reset = The learner's attempts were reset: their next visit starts attempt 1.
package-reset-label = Reset the attempts of { $name }
package-report-empty = No learner has opened this package yet.
package-learner = Learner
package-time = Time
package-updated = Last saved
package-csv = Download as CSV (with every interaction)
package-more = Next learners
package-attempt-heading = { $name }, attempt { $n }
package-interactions = Interactions
package-interaction-id = Question
package-interaction-type = Type
package-interaction-response = Answer
package-interaction-result = Result
package-interaction-time = When
package-no-interactions = This part recorded no interaction.
package-sco = Part
package-standard-scorm12 = SCORM 1.2
package-standard-scorm2004-2 = SCORM 2004 2nd edition
package-standard-scorm2004-3 = SCORM 2004 3rd edition
package-standard-scorm2004-4 = SCORM 2004 4th edition
package-standard-cmi5 = cmi5
package-not-a-zip = This is not a zip file ({ $detail }).
package-unsafe-path = The path { $path } points outside the package.
package-symlink = { $path } is a symbolic link; packages may not hold links.
package-encrypted = { $path } is encrypted; packages must not be.
package-duplicate-path = { $path } appears twice in the zip.
package-too-many-entries = The zip holds more than { $max } files.
package-too-large = The package is larger than { $max } bytes once uncompressed.
package-entry-too-large = { $path } is larger than { $max } bytes once uncompressed.
package-suspicious-ratio = { $path } compresses more than { $max } to 1: it looks like a zip bomb.
package-size-mismatch = { $path } is not the size the zip declares ({ $declared } bytes).
package-unreadable = { $path } cannot be read ({ $detail }).
package-no-manifest = There is no imsmanifest.xml (or cmi5.xml) at the root of the zip.
package-manifest-in-folder = The manifest is inside the folder { $folder }: zip the folder's contents, not the folder.
package-manifest-too-large = The manifest is larger than { $max } bytes.
package-xml = The XML cannot be read: { $detail }
package-too-deep = The XML nests deeper than { $max } levels.
package-unknown-schema = Unknown schema version “{ $found }”.
package-missing-element = The element { $element } is missing.
package-missing-attribute = The element { $element } has no { $attribute } attribute.
package-bad-value = { $element } has the value “{ $value }”; expected { $expected }.
package-missing-file = The file { $href } is referenced but not in the zip.
package-unsafe-href = The address { $href } points outside the package.
package-remote-url-required = Without a zip, every AU must have a full address (https://…); { $href } is relative.
package-duplicate-identifier = The identifier { $id } is used twice.
package-unknown-identifier-ref = Nothing has the identifier { $id }.
package-no-organization = The manifest has no organization (table of contents).
package-no-launchable = Nothing in the package can be launched.
package-back-to-item = Item settings
package-current-badge = learners get it
package-title = Title in the package
## xAPI Learning Record Store (issue 21)
xapi-admin-title = Learning Record Store (xAPI)
xapi-admin-card = The clients that send xAPI statements to this site's learning record store: games, simulations, other platforms.
xapi-admin-lead = Each client gets a key and a secret to call the learning record store with. Give the client the address below, its key and its secret; choose only the scopes it needs.
xapi-endpoint = Learning record store address
xapi-admin-caption = The site's learning record store clients
xapi-field-name = Name
xapi-field-name-help = Who or what will use these credentials, for example "Fire safety game".
xapi-key = Key
xapi-field-scopes = Scopes
xapi-field-scopes-help = What the client may do with the records of this site.
xapi-client-on = On
xapi-client-off = Off
xapi-turn-off = Turn off
xapi-turn-on = Turn on
xapi-delete = Delete
xapi-admin-none = No client yet.
xapi-admin-add = Add a client
xapi-create = Create the client
xapi-secret = Secret
xapi-secret-once = Copy the secret now: it is shown only once. If it is lost, delete the client and create another.
xapi-secret-how = The client sends the key and the secret with HTTP Basic authentication and the header X-Experience-API-Version: 1.0.3.
xapi-done = Done
xapi-scope-statements-write = store statements
xapi-scope-statements-read = read every statement of the site
xapi-scope-statements-read-mine = read the statements it stored
xapi-scope-state = read and write state documents
xapi-scope-define = read activity definitions
xapi-scope-profile = read and write activity and agent profiles
xapi-scope-all-read = read everything
xapi-scope-all = everything
flash-xapi-client-enabled = The client was turned on.
flash-xapi-client-disabled = The client was turned off: its requests are refused.
flash-xapi-client-deleted = The client was deleted. The statements it stored are kept.
audit-action-xapi-client_created = Learning record store client created
audit-action-xapi-client_deleted = Learning record store client deleted
audit-action-xapi-client_disabled = Learning record store client turned off
audit-action-xapi-client_enabled = Learning record store client turned on
audit-kind-xapi = Learning record store (xAPI)
err-xapi_statement_invalid = This statement does not follow xAPI 1.0.3 and was not stored.
