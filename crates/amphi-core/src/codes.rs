//! Every error code, declared once. A code travels in `Error::Conflict`, `Error::BadRequest`,
//! or a `FieldError` of `Error::Validation`; the API returns it as is (clients read it, so a
//! code never changes) and the web layer shows the Fluent message `err-<code>`. A test in
//! `amphi-app` checks that every code of [`ALL`] and [`GENERIC`] has its message in every
//! locale, and that no `err-` message is left without a code.
//!
//! Each constant's doc is the English message the person sees.

// Codes of the error variants themselves (see `Error::code`).
/// This page or item does not exist, or you may not see it.
pub const NOT_FOUND: &str = "not_found";
/// You are not allowed to do this.
pub const FORBIDDEN: &str = "forbidden";
/// Please sign in, or provide a valid API token.
pub const UNAUTHENTICATED: &str = "unauthenticated";
/// This conflicts with the current state; reload and try again.
pub const CONFLICT: &str = "conflict";
/// Some fields are not valid.
pub const VALIDATION: &str = "validation";
/// The request is not valid.
pub const BAD_REQUEST: &str = "bad_request";
/// Too many attempts. Please wait { $minutes } minute(s) and try again.
pub const RATE_LIMITED: &str = "rate_limited";
/// An unexpected error happened on our side. It has been logged.
pub const INTERNAL: &str = "internal";

// Accounts, platform and forms
/// The email address or the password is incorrect.
pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
/// This form has expired or did not come from this site. Go back, reload the page and try again.
pub const CSRF: &str = "csrf";
/// This already exists.
pub const ALREADY_EXISTS: &str = "already_exists";
/// This refers to something that does not exist.
pub const REFERENCE_INVALID: &str = "reference_invalid";
/// Your email address is not confirmed yet. We have sent you a new confirmation link.
pub const EMAIL_NOT_VERIFIED: &str = "email_not_verified";
/// This link is invalid, has expired or has already been used. Ask for a new one.
pub const TOKEN_INVALID: &str = "token_invalid";
/// The default site cannot be deactivated.
pub const DEFAULT_TENANT_CANNOT_BE_DEACTIVATED: &str = "default_tenant_cannot_be_deactivated";
/// You cannot deactivate your own account.
pub const CANNOT_DEACTIVATE_SELF: &str = "cannot_deactivate_self";
/// Nothing to change.
pub const NOTHING_TO_CHANGE: &str = "nothing_to_change";
/// A form submission was expected.
pub const FORM_EXPECTED: &str = "form_expected";
/// The form is malformed.
pub const FORM_MALFORMED: &str = "form_malformed";
/// The body must be JSON (Content-Type: application/json).
pub const JSON_EXPECTED: &str = "json_expected";
/// The JSON body is malformed or has unexpected fields.
pub const JSON_MALFORMED: &str = "json_malformed";
/// The request body is too large.
pub const BODY_TOO_LARGE: &str = "body_too_large";
/// The page cursor is not valid.
pub const CURSOR_INVALID: &str = "cursor_invalid";
/// No site has this short name.
pub const TENANT_NOT_FOUND: &str = "tenant_not_found";
/// Platform administrators belong to the default site.
pub const PLATFORM_ADMIN_MUST_BE_IN_DEFAULT_TENANT: &str =
    "platform_admin_must_be_in_default_tenant";
/// This language is not available.
pub const LOCALE_INVALID: &str = "locale_invalid";
/// This field is required.
pub const REQUIRED: &str = "required";
/// This is too long.
pub const TOO_LONG: &str = "too_long";
/// Enter an email address such as name@example.com.
pub const EMAIL_INVALID: &str = "email_invalid";
/// This contains characters that are not allowed.
pub const INVALID_CHARACTERS: &str = "invalid_characters";
/// The password must have at least 10 characters.
pub const PASSWORD_TOO_SHORT: &str = "password_too_short";
/// Use lower-case letters, digits and dashes only.
pub const SLUG_INVALID: &str = "slug_invalid";
/// Enter host names such as learn.example.com.
pub const HOST_INVALID: &str = "host_invalid";
/// Choose a time zone from the list, such as Europe/Paris.
pub const TIME_ZONE_INVALID: &str = "time_zone_invalid";
/// Enter a colour such as #1d4ed8.
pub const COLOUR_INVALID: &str = "colour_invalid";
/// Enter an address starting with https://.
pub const URL_INVALID: &str = "url_invalid";
/// Accounts on this site are reserved for addresses at the allowed domains.
pub const SIGNUP_DOMAIN_NOT_ALLOWED: &str = "signup_domain_not_allowed";
/// An account already exists with this email address. Sign in, or reset your password.
pub const EMAIL_TAKEN: &str = "email_taken";
/// Choose one of the options.
pub const CHOICE_INVALID: &str = "choice_invalid";
/// This value is out of range.
pub const OUT_OF_RANGE: &str = "out_of_range";
/// This short name is already used by another site.
pub const SLUG_TAKEN: &str = "slug_taken";
/// One of these host names is already used by another site.
pub const HOST_TAKEN: &str = "host_taken";
/// The current password is incorrect.
pub const PASSWORD_WRONG: &str = "password_wrong";

// Courses
/// Use letters, digits and dashes only (at most 40).
pub const COURSE_CODE_INVALID: &str = "course_code_invalid";
/// Another course of this site already has this code.
pub const COURSE_CODE_TAKEN: &str = "course_code_taken";
/// Scripts, frames and event-handler HTML are not allowed; use Markdown.
pub const UNSAFE_HTML: &str = "unsafe_html";
/// Only YouTube, Vimeo and the allowed PeerTube instances can be embedded (https page address).
pub const VIDEO_HOST_NOT_ALLOWED: &str = "video_host_not_allowed";
/// The kind of an item cannot change.
pub const KIND_FIXED: &str = "kind_fixed";
/// Enter a date and time such as 2027-03-01T09:00.
pub const DATE_INVALID: &str = "date_invalid";
/// Enrolment must close after it opens.
pub const DATE_BEFORE_OPENING: &str = "date_before_opening";
/// The end must come after the start.
pub const DATE_BEFORE_START: &str = "date_before_start";
/// The end must come after enrolment opens.
pub const DATE_BEFORE_ENROLMENT: &str = "date_before_enrolment";
/// At least 6 letters, digits or dashes.
pub const ENROLMENT_CODE_INVALID: &str = "enrolment_code_invalid";
/// This enrolment code is not the right one.
pub const ENROLMENT_CODE_WRONG: &str = "enrolment_code_wrong";
/// This voucher code is not valid or has already been used.
pub const VOUCHER_INVALID: &str = "voucher_invalid";
/// This edition is full.
pub const RUN_FULL: &str = "run_full";
/// This edition has ended.
pub const RUN_ARCHIVED: &str = "run_archived";
/// Enrolment is not open.
pub const ENROLMENT_CLOSED: &str = "enrolment_closed";
/// This course is reserved for the client company's people.
pub const ENROLMENT_RESTRICTED: &str = "enrolment_restricted";
/// This item is not available yet.
pub const ITEM_LOCKED: &str = "item_locked";
/// No account of this site has this address.
pub const NO_SUCH_ACCOUNT: &str = "no_such_account";
/// At most 1000 addresses at once.
pub const TOO_MANY_ADDRESSES: &str = "too_many_addresses";
/// The timestamp header is missing or not a number.
pub const WEBHOOK_TIMESTAMP_INVALID: &str = "webhook_timestamp_invalid";
/// The request is too old or from the future (more than 5 minutes).
pub const WEBHOOK_TIMESTAMP_STALE: &str = "webhook_timestamp_stale";
/// This edition is not sold in the shop.
pub const RUN_NOT_PAID: &str = "run_not_paid";

// Bulk enrolment
/// The first line must name the columns: email, name, role (name and role are optional).
pub const CSV_HEADER_INVALID: &str = "csv_header_invalid";
/// The file has no rows.
pub const CSV_EMPTY: &str = "csv_empty";
/// This file cannot be read as CSV.
pub const CSV_UNREADABLE: &str = "csv_unreadable";
/// The file must be UTF-8 text (CSV).
pub const CSV_NOT_UTF8: &str = "csv_not_utf8";
/// This row cannot be read (quotes?).
pub const CSV_ROW_UNREADABLE: &str = "csv_row_unreadable";
/// This name is too long or has invalid characters.
pub const NAME_INVALID: &str = "name_invalid";
/// Unknown role: use learner, instructor, teaching_assistant or observer.
pub const ROLE_INVALID: &str = "role_invalid";
/// This address already appears earlier in the file.
pub const DUPLICATE_ROW: &str = "duplicate_row";
/// The file is too large.
pub const FILE_TOO_LARGE: &str = "file_too_large";
/// This import is not waiting for a decision.
pub const IMPORT_NOT_HELD: &str = "import_not_held";

// Course files and videos
/// This type of file is not accepted here, or its content does not match its name.
pub const FILE_TYPE_NOT_ALLOWED: &str = "file_type_not_allowed";
/// The file is empty.
pub const FILE_EMPTY: &str = "file_empty";
/// This item is not a video.
pub const NOT_A_VIDEO: &str = "not_a_video";

// Second factor
/// This code is not right, or it was already used.
pub const MFA_CODE_WRONG: &str = "mfa_code_wrong";
/// This sign-in has expired; sign in again.
pub const MFA_PENDING_INVALID: &str = "mfa_pending_invalid";
/// Two-step sign-in is already on.
pub const MFA_ALREADY_ENABLED: &str = "mfa_already_enabled";
/// Two-step sign-in is not on.
pub const MFA_NOT_ENABLED: &str = "mfa_not_enabled";
/// Start again from your account page.
pub const MFA_NOT_STARTED: &str = "mfa_not_started";

// Question bank
/// The file has no question.
pub const GIFT_EMPTY: &str = "gift_empty";
/// A brace {"{"} is never closed.
pub const GIFT_BRACE_UNCLOSED: &str = "gift_brace_unclosed";
/// A closing brace {"}"} has no opening brace.
pub const GIFT_BRACE_UNEXPECTED: &str = "gift_brace_unexpected";
/// This question has no answer block {"{"} … {"}"}.
pub const GIFT_ANSWER_BLOCK_MISSING: &str = "gift_answer_block_missing";
/// This question has two answer blocks.
pub const GIFT_ANSWER_BLOCK_REPEATED: &str = "gift_answer_block_repeated";
/// An answer is empty.
pub const GIFT_ANSWER_EMPTY: &str = "gift_answer_empty";
/// An answer is not written as =right, ~wrong, ~%50%partial or #number.
pub const GIFT_ANSWER_SYNTAX_INVALID: &str = "gift_answer_syntax_invalid";
/// A single-choice question has more than one right answer.
pub const GIFT_CORRECT_ANSWER_NOT_UNIQUE: &str = "gift_correct_answer_not_unique";
/// No answer is marked right (=).
pub const GIFT_CORRECT_ANSWER_REQUIRED: &str = "gift_correct_answer_required";
/// Unknown escape: only \~ \= \# \{"{"} \{"}"} \: \\ and \n are allowed.
pub const GIFT_ESCAPE_UNKNOWN: &str = "gift_escape_unknown";
/// The HTML has scripts, frames or event handlers.
pub const GIFT_HTML_UNSAFE: &str = "gift_html_unsafe";
/// A matching pair must be written =left -> right.
pub const GIFT_MATCHING_SYNTAX_INVALID: &str = "gift_matching_syntax_invalid";
/// This type of question cannot be a missing word.
pub const GIFT_MISSING_WORD_UNSUPPORTED: &str = "gift_missing_word_unsupported";
/// A numeric answer is not a number, a number:tolerance or a range min..max.
pub const GIFT_NUMERIC_INVALID: &str = "gift_numeric_invalid";
/// A question has no text.
pub const GIFT_QUESTION_EMPTY: &str = "gift_question_empty";
/// A title ::… is never closed with ::.
pub const GIFT_TITLE_UNCLOSED: &str = "gift_title_unclosed";
/// Too few answers for this type of question.
pub const GIFT_TOO_FEW: &str = "gift_too_few";
/// A weight %…% is not a percentage between -100 and 100.
pub const GIFT_WEIGHT_INVALID: &str = "gift_weight_invalid";
/// The file is too large to import; split it into several files.
pub const GIFT_FILE_TOO_LARGE: &str = "gift_file_too_large";
/// A question or answer text is empty; write it.
pub const GIFT_REQUIRED: &str = "gift_required";
/// A text of this question is too long; shorten it.
pub const GIFT_TOO_LONG: &str = "gift_too_long";
/// This question has too many answers; remove some.
pub const GIFT_TOO_MANY: &str = "gift_too_many";
/// A number of this question (weight, tolerance or points) is out of range; correct it.
pub const GIFT_OUT_OF_RANGE: &str = "gift_out_of_range";
/// This question contains control characters; remove them.
pub const GIFT_INVALID_CHARACTERS: &str = "gift_invalid_characters";
/// The weights of the correct answers (%50% …) must add up to 100 %.
pub const GIFT_WEIGHTS_SUM_INVALID: &str = "gift_weights_sum_invalid";
/// Two answers of this question are the same; write each answer once.
pub const GIFT_IDS_DUPLICATE: &str = "gift_ids_duplicate";
/// The blanks of this question do not match its answers; write one answer per blank.
pub const GIFT_BLANKS_MISMATCH: &str = "gift_blanks_mismatch";
/// This question is not valid.
pub const GIFT_QUESTION_INVALID: &str = "gift_question_invalid";

// Quizzes and gradebook
/// Only enrolled learners take quizzes. Use "preview as a learner" to see the questions.
pub const QUIZ_NOT_LEARNER: &str = "quiz_not_learner";
/// This quiz has no questions yet.
pub const QUIZ_EMPTY: &str = "quiz_empty";
/// This quiz is not open yet.
pub const QUIZ_NOT_OPEN: &str = "quiz_not_open";
/// This quiz is closed.
pub const QUIZ_CLOSED: &str = "quiz_closed";
/// You have used all your attempts at this quiz.
pub const QUIZ_NO_ATTEMPTS_LEFT: &str = "quiz_no_attempts_left";
/// This quiz cannot be started: some of its questions are no longer in the question bank. Please tell the course team.
pub const QUIZ_UNAVAILABLE: &str = "quiz_unavailable";
/// The attempt could not be started; reload the page.
pub const ATTEMPT_STARTED_TWICE: &str = "attempt_started_twice";
/// This attempt is already submitted; your answers were not changed.
pub const ATTEMPT_CLOSED: &str = "attempt_closed";
/// The time limit of this attempt has passed: answers sent after it do not count. The attempt was graded with the answers saved in time.
pub const ATTEMPT_EXPIRED: &str = "attempt_expired";
/// This attempt is already submitted; it cannot be submitted twice.
pub const ATTEMPT_ALREADY_SUBMITTED: &str = "attempt_already_submitted";
/// This attempt has nothing left to grade.
pub const ATTEMPT_NOT_PENDING: &str = "attempt_not_pending";
/// This question is not part of this attempt or quiz.
pub const QUESTION_UNKNOWN: &str = "question_unknown";
/// This question is in the quiz twice.
pub const QUESTION_TWICE: &str = "question_twice";
/// The category does not have that many questions.
pub const NOT_ENOUGH_QUESTIONS: &str = "not_enough_questions";
/// This line is neither a question id nor "draw:COUNT:POINTS:CATEGORY".
pub const SLOT_INVALID: &str = "slot_invalid";
/// The question bank has no such category.
pub const CATEGORY_UNKNOWN: &str = "category_unknown";
/// Learners have attempts or submissions on this item: deleting it would delete their work.
pub const ITEM_HAS_WORK: &str = "item_has_work";
/// A quiz uses this question: remove it from the quiz first.
pub const QUESTION_IN_QUIZ: &str = "question_in_quiz";
/// There are too many.
pub const TOO_MANY: &str = "too_many";
/// Too few entries here; add more.
pub const TOO_FEW: &str = "too_few";
/// Two entries have the same identifier; give each one its own.
pub const IDS_DUPLICATE: &str = "ids_duplicate";
/// Mark at least one answer as correct.
pub const CORRECT_ANSWER_REQUIRED: &str = "correct_answer_required";
/// A single-choice question has exactly one correct answer; mark only one.
pub const CORRECT_ANSWER_NOT_UNIQUE: &str = "correct_answer_not_unique";
/// The credits of the correct answers must add up to 100 %.
pub const WEIGHTS_SUM_INVALID: &str = "weights_sum_invalid";
/// The blanks in the text do not match the answers: put each blank once in the text, numbered from 1, one per answer.
pub const BLANKS_MISMATCH: &str = "blanks_mismatch";
/// Enter a number.
pub const NUMBER_INVALID: &str = "number_invalid";
/// This must come after the opening date.
pub const BEFORE_START: &str = "before_start";
/// This answer does not fit the question.
pub const ANSWER_INVALID: &str = "answer_invalid";
/// Give each item a different position.
pub const ORDER_INVALID: &str = "order_invalid";
/// This is not valid JSON of the expected shape.
pub const JSON_INVALID: &str = "json_invalid";
/// A graded item is still in a category you removed; move it first.
pub const CATEGORY_IN_USE: &str = "category_in_use";
/// At least one category needs a weight above zero.
pub const GRADE_WEIGHTS_ZERO: &str = "grade_weights_zero";
/// This category does not exist.
pub const GRADE_CATEGORY_UNKNOWN: &str = "grade_category_unknown";
/// This id is used twice.
pub const GRADE_ID_DUPLICATE: &str = "grade_id_duplicate";

// Certificates
/// Enter a whole number from 0 to 100.
pub const PERCENT_INVALID: &str = "percent_invalid";
/// Choose a file.
pub const FILE_REQUIRED: &str = "file_required";
/// The image is too large (at most 1 MiB).
pub const IMAGE_TOO_LARGE: &str = "image_too_large";
/// Use a PNG, JPEG or SVG image.
pub const IMAGE_TYPE_INVALID: &str = "image_type_invalid";
/// This image cannot be drawn on a certificate; try exporting it again.
pub const IMAGE_INVALID: &str = "image_invalid";
/// Give this signature a name (and save) before its image.
pub const SIGNATURE_NAME_FIRST: &str = "signature_name_first";
/// This certificate is not valid any more.
pub const CERTIFICATE_NOT_VALID: &str = "certificate_not_valid";
/// A new certificate has already been issued in place of this one.
pub const CERTIFICATE_ALREADY_REPLACED: &str = "certificate_already_replaced";
/// This learner already holds a valid certificate for this edition.
pub const CERTIFICATE_VALID_EXISTS: &str = "certificate_valid_exists";

// Single sign-on
/// This site signs people in through its identity providers only.
pub const LOCAL_PASSWORDS_HIDDEN: &str = "local_passwords_hidden";
/// Another provider already uses this short name.
pub const PROVIDER_SLUG_TAKEN: &str = "provider_slug_taken";
/// The kind of a provider cannot change.
pub const PROVIDER_KIND_FIXED: &str = "provider_kind_fixed";
/// The short name of a provider cannot change.
pub const PROVIDER_SLUG_FIXED: &str = "provider_slug_fixed";
/// Enter a JSON object ({"{"} … {"}"}).
pub const JSON_OBJECT_EXPECTED: &str = "json_object_expected";
/// unknown key for this kind of provider
pub const CONFIG_KEY_UNKNOWN: &str = "config_key_unknown";
/// true or false expected
pub const BOOLEAN_EXPECTED: &str = "boolean_expected";
/// number out of the allowed range
pub const NUMBER_OUT_OF_RANGE: &str = "number_out_of_range";
/// a list of words expected
pub const WORDS_EXPECTED: &str = "words_expected";
/// text expected
pub const TEXT_EXPECTED: &str = "text_expected";
/// give the partner's public key (PEM) or its JWKS URL
pub const PARTNER_KEY_REQUIRED: &str = "partner_key_required";
/// this is not a public key of the chosen algorithm
pub const PEM_INVALID: &str = "pem_invalid";
/// give both the bind DN and its password, or neither
pub const LDAP_BIND_PAIR: &str = "ldap_bind_pair";
/// give the identity provider's metadata URL or XML
pub const SAML_METADATA_REQUIRED: &str = "saml_metadata_required";
/// give the tool's key set URL or paste its public key
pub const LTI_KEYS_REQUIRED: &str = "lti_keys_required";
/// Write one parameter a line, as name=value (letters, digits, _ - . in names).
pub const LTI_CUSTOM_INVALID: &str = "lti_custom_invalid";
/// This external tool is turned off by the site's administrators.
pub const LTI_TOOL_DISABLED: &str = "lti_tool_disabled";
/// This launch has expired or was not made for you. Open the item again.
pub const LTI_LAUNCH_INVALID: &str = "lti_launch_invalid";
/// This tool has reported grades: turn it off instead of deleting it.
pub const LTI_TOOL_HAS_GRADES: &str = "lti_tool_has_grades";
/// The tool's answer could not be checked or has expired. Open the tool's content picker again.
pub const LTI_DEEP_LINK_INVALID: &str = "lti_deep_link_invalid";
/// The tool sent content Amphi cannot add (it takes tool links, links, files and HTML). Nothing was added.
pub const LTI_CONTENT_REFUSED: &str = "lti_content_refused";
/// The package was refused: see the problems listed below. Nothing was stored.
pub const PACKAGE_INVALID: &str = "package_invalid";
/// This item has no package yet.
pub const PACKAGE_MISSING: &str = "package_missing";
/// You have used every attempt this item allows.
pub const PACKAGE_NO_ATTEMPT_LEFT: &str = "package_no_attempt_left";
/// This attempt was saved from another tab or window meanwhile. Reload to continue from there.
pub const PACKAGE_CONFLICT: &str = "package_conflict";
/// The AU already meets its moveOn criteria (nothing to waive).
pub const PACKAGE_AU_SATISFIED: &str = "package_au_satisfied";
/// This session of the content has expired. Reload the page: your progress until now is saved.
pub const PACKAGE_SESSION_INVALID: &str = "package_session_invalid";
/// The content sent data that could not be read. Nothing was saved.
pub const PACKAGE_DATA_INVALID: &str = "package_data_invalid";
/// This statement does not follow xAPI 1.0.3 and was not stored.
pub const XAPI_STATEMENT_INVALID: &str = "xapi_statement_invalid";
/// The email and name attributes are required.
pub const MAPPING_INVALID: &str = "mapping_invalid";
/// Each rule needs a group and either "tenant_role" or "run".
pub const GROUP_RULES_INVALID: &str = "group_rules_invalid";
/// Unknown role in a group rule (tenant: admin; course: instructor, teaching_assistant, learner, observer).
pub const GROUP_RULE_ROLE_INVALID: &str = "group_rule_role_invalid";
/// A group rule names a course run that does not exist on this site.
pub const GROUP_RULE_RUN_UNKNOWN: &str = "group_rule_run_unknown";
/// not a valid attribute name
pub const ATTRIBUTE_INVALID: &str = "attribute_invalid";
/// not a valid LDAP filter
pub const FILTER_INVALID: &str = "filter_invalid";
/// the group filter must contain {"{"}dn{"}"} or {"{"}username{"}"}
pub const FILTER_NEEDS_PLACEHOLDER: &str = "filter_needs_placeholder";
/// the filter must contain {"{"}username{"}"}
pub const FILTER_NEEDS_USERNAME: &str = "filter_needs_username";
/// StartTLS needs an ldap:// address (ldaps:// is already encrypted)
pub const STARTTLS_NEEDS_LDAP_URL: &str = "starttls_needs_ldap_url";
/// an ldap:// or ldaps:// address (host and port, nothing else) is expected
pub const LDAP_URL_INVALID: &str = "ldap_url_invalid";
/// This is not a valid distinguished name; write it like cn=reader,dc=example,dc=org.
pub const DN_INVALID: &str = "dn_invalid";

// Assignments and peer assessment
/// The deadline has passed: nothing can be handed in any more.
pub const DEADLINE_PASSED: &str = "deadline_passed";
/// This work is graded already; it can no longer be changed.
pub const ALREADY_GRADED: &str = "already_graded";
/// This work has not been handed in.
pub const NOT_SUBMITTED: &str = "not_submitted";
/// The review phase has not started yet.
pub const REVIEW_NOT_OPEN: &str = "review_not_open";
/// The review phase is over.
pub const REVIEW_CLOSED: &str = "review_closed";
/// Your work is being reviewed; it can no longer be changed.
pub const SUBMISSION_LOCKED: &str = "submission_locked";
/// Hand in your own work first.
pub const SUBMIT_FIRST: &str = "submit_first";
/// This review has already been sent.
pub const REVIEW_ALREADY_SUBMITTED: &str = "review_already_submitted";
/// This assessment has no self-assessment.
pub const SELF_ASSESSMENT_OFF: &str = "self_assessment_off";
/// The results are not out yet.
pub const RESULTS_NOT_OUT: &str = "results_not_out";
/// You have already flagged this review.
pub const ALREADY_FLAGGED: &str = "already_flagged";
/// This flag has already been resolved.
pub const FLAG_RESOLVED: &str = "flag_resolved";
/// Write one criterion per line: Title: level = points; level = points.
pub const RUBRIC_FORMAT: &str = "rubric_format";
/// The rubric needs at least one criterion.
pub const RUBRIC_EMPTY: &str = "rubric_empty";
/// Each criterion needs at least two levels.
pub const RUBRIC_LEVELS_TOO_FEW: &str = "rubric_levels_too_few";
/// Points must be numbers of at least 0.
pub const RUBRIC_POINTS_INVALID: &str = "rubric_points_invalid";
/// Two levels of a criterion have the same points.
pub const RUBRIC_POINTS_DUPLICATE: &str = "rubric_points_duplicate";
/// Choose a level for every criterion.
pub const RUBRIC_INCOMPLETE: &str = "rubric_incomplete";
/// This level does not exist in the rubric.
pub const RUBRIC_LEVEL_INVALID: &str = "rubric_level_invalid";
/// A reviewer is listed twice for the peer review; list each reviewer once.
pub const REVIEWER_DUPLICATE: &str = "reviewer_duplicate";
/// A submission is listed twice for the peer review; list each submission once.
pub const SUBMISSION_DUPLICATE: &str = "submission_duplicate";
/// The hard deadline must not be before the due date.
pub const DEADLINE_BEFORE_DUE: &str = "deadline_before_due";
/// The phases' dates must follow each other.
pub const DATES_OUT_OF_ORDER: &str = "dates_out_of_order";
/// This assignment does not take files.
pub const FILES_NOT_ACCEPTED: &str = "files_not_accepted";
/// You have attached as many files as allowed; remove one first.
pub const TOO_MANY_FILES: &str = "too_many_files";

/// The codes of the error variants without a more precise code (`Error::code`).
pub const GENERIC: &[&str] = &[
    NOT_FOUND,
    FORBIDDEN,
    UNAUTHENTICATED,
    CONFLICT,
    VALIDATION,
    BAD_REQUEST,
    RATE_LIMITED,
    INTERNAL,
];

/// Every precise code: those of `Conflict`, `BadRequest` and field errors, and the few the
/// web layer shows itself (`csrf`, `invalid_credentials`). The `gift_` codes are the GIFT
/// parser's, question validation codes included in their GIFT form (`amphi-interop`
/// `gift::parser`).
pub const ALL: &[&str] = &[
    INVALID_CREDENTIALS,
    CSRF,
    ALREADY_EXISTS,
    REFERENCE_INVALID,
    EMAIL_NOT_VERIFIED,
    TOKEN_INVALID,
    DEFAULT_TENANT_CANNOT_BE_DEACTIVATED,
    CANNOT_DEACTIVATE_SELF,
    NOTHING_TO_CHANGE,
    FORM_EXPECTED,
    FORM_MALFORMED,
    JSON_EXPECTED,
    JSON_MALFORMED,
    BODY_TOO_LARGE,
    CURSOR_INVALID,
    TENANT_NOT_FOUND,
    PLATFORM_ADMIN_MUST_BE_IN_DEFAULT_TENANT,
    LOCALE_INVALID,
    REQUIRED,
    TOO_LONG,
    EMAIL_INVALID,
    INVALID_CHARACTERS,
    PASSWORD_TOO_SHORT,
    SLUG_INVALID,
    HOST_INVALID,
    TIME_ZONE_INVALID,
    COLOUR_INVALID,
    URL_INVALID,
    SIGNUP_DOMAIN_NOT_ALLOWED,
    EMAIL_TAKEN,
    CHOICE_INVALID,
    OUT_OF_RANGE,
    SLUG_TAKEN,
    HOST_TAKEN,
    PASSWORD_WRONG,
    COURSE_CODE_INVALID,
    COURSE_CODE_TAKEN,
    UNSAFE_HTML,
    VIDEO_HOST_NOT_ALLOWED,
    KIND_FIXED,
    DATE_INVALID,
    DATE_BEFORE_OPENING,
    DATE_BEFORE_START,
    DATE_BEFORE_ENROLMENT,
    ENROLMENT_CODE_INVALID,
    ENROLMENT_CODE_WRONG,
    VOUCHER_INVALID,
    RUN_FULL,
    RUN_ARCHIVED,
    ENROLMENT_CLOSED,
    ENROLMENT_RESTRICTED,
    ITEM_LOCKED,
    NO_SUCH_ACCOUNT,
    TOO_MANY_ADDRESSES,
    WEBHOOK_TIMESTAMP_INVALID,
    WEBHOOK_TIMESTAMP_STALE,
    RUN_NOT_PAID,
    CSV_HEADER_INVALID,
    CSV_EMPTY,
    CSV_UNREADABLE,
    CSV_NOT_UTF8,
    CSV_ROW_UNREADABLE,
    NAME_INVALID,
    ROLE_INVALID,
    DUPLICATE_ROW,
    FILE_TOO_LARGE,
    IMPORT_NOT_HELD,
    FILE_TYPE_NOT_ALLOWED,
    FILE_EMPTY,
    NOT_A_VIDEO,
    MFA_CODE_WRONG,
    MFA_PENDING_INVALID,
    MFA_ALREADY_ENABLED,
    MFA_NOT_ENABLED,
    MFA_NOT_STARTED,
    GIFT_EMPTY,
    GIFT_BRACE_UNCLOSED,
    GIFT_BRACE_UNEXPECTED,
    GIFT_ANSWER_BLOCK_MISSING,
    GIFT_ANSWER_BLOCK_REPEATED,
    GIFT_ANSWER_EMPTY,
    GIFT_ANSWER_SYNTAX_INVALID,
    GIFT_CORRECT_ANSWER_NOT_UNIQUE,
    GIFT_CORRECT_ANSWER_REQUIRED,
    GIFT_ESCAPE_UNKNOWN,
    GIFT_HTML_UNSAFE,
    GIFT_MATCHING_SYNTAX_INVALID,
    GIFT_MISSING_WORD_UNSUPPORTED,
    GIFT_NUMERIC_INVALID,
    GIFT_QUESTION_EMPTY,
    GIFT_TITLE_UNCLOSED,
    GIFT_TOO_FEW,
    GIFT_WEIGHT_INVALID,
    GIFT_FILE_TOO_LARGE,
    GIFT_REQUIRED,
    GIFT_TOO_LONG,
    GIFT_TOO_MANY,
    GIFT_OUT_OF_RANGE,
    GIFT_INVALID_CHARACTERS,
    GIFT_WEIGHTS_SUM_INVALID,
    GIFT_IDS_DUPLICATE,
    GIFT_BLANKS_MISMATCH,
    GIFT_QUESTION_INVALID,
    QUIZ_NOT_LEARNER,
    QUIZ_EMPTY,
    QUIZ_NOT_OPEN,
    QUIZ_CLOSED,
    QUIZ_NO_ATTEMPTS_LEFT,
    QUIZ_UNAVAILABLE,
    ATTEMPT_STARTED_TWICE,
    ATTEMPT_CLOSED,
    ATTEMPT_EXPIRED,
    ATTEMPT_ALREADY_SUBMITTED,
    ATTEMPT_NOT_PENDING,
    QUESTION_UNKNOWN,
    QUESTION_TWICE,
    NOT_ENOUGH_QUESTIONS,
    SLOT_INVALID,
    CATEGORY_UNKNOWN,
    ITEM_HAS_WORK,
    QUESTION_IN_QUIZ,
    TOO_MANY,
    TOO_FEW,
    IDS_DUPLICATE,
    CORRECT_ANSWER_REQUIRED,
    CORRECT_ANSWER_NOT_UNIQUE,
    WEIGHTS_SUM_INVALID,
    BLANKS_MISMATCH,
    NUMBER_INVALID,
    BEFORE_START,
    ANSWER_INVALID,
    ORDER_INVALID,
    JSON_INVALID,
    CATEGORY_IN_USE,
    GRADE_WEIGHTS_ZERO,
    GRADE_CATEGORY_UNKNOWN,
    GRADE_ID_DUPLICATE,
    PERCENT_INVALID,
    FILE_REQUIRED,
    IMAGE_TOO_LARGE,
    IMAGE_TYPE_INVALID,
    IMAGE_INVALID,
    SIGNATURE_NAME_FIRST,
    CERTIFICATE_NOT_VALID,
    CERTIFICATE_ALREADY_REPLACED,
    CERTIFICATE_VALID_EXISTS,
    LOCAL_PASSWORDS_HIDDEN,
    PROVIDER_SLUG_TAKEN,
    PROVIDER_KIND_FIXED,
    PROVIDER_SLUG_FIXED,
    JSON_OBJECT_EXPECTED,
    CONFIG_KEY_UNKNOWN,
    BOOLEAN_EXPECTED,
    NUMBER_OUT_OF_RANGE,
    WORDS_EXPECTED,
    TEXT_EXPECTED,
    PARTNER_KEY_REQUIRED,
    PEM_INVALID,
    LDAP_BIND_PAIR,
    SAML_METADATA_REQUIRED,
    LTI_KEYS_REQUIRED,
    LTI_CUSTOM_INVALID,
    LTI_TOOL_DISABLED,
    LTI_LAUNCH_INVALID,
    LTI_TOOL_HAS_GRADES,
    LTI_DEEP_LINK_INVALID,
    LTI_CONTENT_REFUSED,
    PACKAGE_INVALID,
    PACKAGE_MISSING,
    PACKAGE_NO_ATTEMPT_LEFT,
    PACKAGE_CONFLICT,
    PACKAGE_AU_SATISFIED,
    PACKAGE_SESSION_INVALID,
    PACKAGE_DATA_INVALID,
    XAPI_STATEMENT_INVALID,
    MAPPING_INVALID,
    GROUP_RULES_INVALID,
    GROUP_RULE_ROLE_INVALID,
    GROUP_RULE_RUN_UNKNOWN,
    ATTRIBUTE_INVALID,
    FILTER_INVALID,
    FILTER_NEEDS_PLACEHOLDER,
    FILTER_NEEDS_USERNAME,
    STARTTLS_NEEDS_LDAP_URL,
    LDAP_URL_INVALID,
    DN_INVALID,
    DEADLINE_PASSED,
    ALREADY_GRADED,
    NOT_SUBMITTED,
    REVIEW_NOT_OPEN,
    REVIEW_CLOSED,
    SUBMISSION_LOCKED,
    SUBMIT_FIRST,
    REVIEW_ALREADY_SUBMITTED,
    SELF_ASSESSMENT_OFF,
    RESULTS_NOT_OUT,
    ALREADY_FLAGGED,
    FLAG_RESOLVED,
    RUBRIC_FORMAT,
    RUBRIC_EMPTY,
    RUBRIC_LEVELS_TOO_FEW,
    RUBRIC_POINTS_INVALID,
    RUBRIC_POINTS_DUPLICATE,
    RUBRIC_INCOMPLETE,
    RUBRIC_LEVEL_INVALID,
    REVIEWER_DUPLICATE,
    SUBMISSION_DUPLICATE,
    DEADLINE_BEFORE_DUE,
    DATES_OUT_OF_ORDER,
    FILES_NOT_ACCEPTED,
    TOO_MANY_FILES,
];
