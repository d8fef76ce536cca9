language-name = Français
language-switch = Langue
skip-to-content = Aller au contenu
nav-main = Principale
nav-home = Accueil
nav-admin = Administration
nav-account = Mon compte
nav-signin = Se connecter
nav-signup = Créer un compte
nav-signout = Se déconnecter
nav-menu = Menu
footer-powered = Propulsé par Amphi
back-home = Retour à l'accueil
save = Enregistrer
search = Rechercher
actions = Actions
load-more = Afficher plus
form-has-errors = Veuillez corriger les points suivants :

welcome-title = Bienvenue sur { $site }
welcome-lead = Des cours en ligne pour tous : apprenez à votre rythme, avec les autres.
welcome-features = Ce que vous trouverez ici
welcome-pace-title = À votre rythme
welcome-pace-text = Des vidéos, des lectures et des quiz à suivre quand cela vous convient, sur ordinateur ou sur téléphone.
welcome-together-title = Avec les autres
welcome-together-text = Les annonces de vos enseignants, les retours de vos pairs et une vue claire de la suite.
welcome-certificate-title = Un certificat à montrer
welcome-certificate-text = Réussissez un cours et recevez un certificat que chacun peut vérifier en ligne.
welcome-browse = Parcourir le catalogue
dashboard-title = Mes cours
dashboard-hello = Bonjour, { $name }
dashboard-my-courses = Mes cours
dashboard-no-courses = Vous n'êtes inscrit à aucun cours pour le moment.
dashboard-due-soon = À rendre bientôt
dashboard-announcements = Dernières annonces
deadline-quiz = Le quiz ferme le
deadline-assignment = À rendre le
deadline-peer_submission = Travail à rendre le
deadline-peer_review = Évaluations à rendre le
due-in-hours = { $count ->
    [one] dans une heure
   *[other] dans { $count } heures
}
due-in-days = { $count ->
    [one] dans un jour
   *[other] dans { $count } jours
}
view = Voir

field-name = Nom complet
field-email = Adresse e-mail
field-password = Mot de passe
field-new-password = Nouveau mot de passe
field-current-password = Mot de passe actuel
field-locale = Langue
field-time-zone = Fuseau horaire
field-token-name = Nom du jeton
field-scopes = Autorisations
field-expires-days = Expire après (jours)
field-slug = Nom court
field-tenant-name = Nom du site
field-hosts = Noms d'hôte
field-default-locale = Langue par défaut
field-signup-policy = Qui peut créer un compte
field-signup-domains = Domaines e-mail autorisés
field-colour = Couleur de la marque
field-logo-url = Adresse du logo (URL)
field-logo-url-help = Ou envoyez le logo ci-dessous : il est alors conservé et servi par ce site.
field-logo-file = Logo (fichier)
site-logo = Envoyer un logo
site-logo-current = Logo actuel
site-logo-help = PNG, JPEG ou SVG, { $kib } Ko au maximum. Il remplace l'adresse du logo ci-dessus.
site-logo-upload = Envoyer le logo
field-footer = Texte du pied de page
password-help = Au moins 10 caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.
chars-max = { $count ->
    [one] { $count } caractère au maximum.
   *[other] { $count } caractères au maximum.
}
chars-left = { $count ->
    [one] { $n } caractère restant.
   *[other] { $n } caractères restants.
}
chars-over = { $count ->
    [one] { $n } caractère en trop.
   *[other] { $n } caractères en trop.
}
expires-help = Entre 1 et 365 jours ; 0 pour un jeton qui n'expire pas.
slug-help = Lettres minuscules, chiffres et tirets ; utilisé dans des adresses comme nom.exemple.fr.
hosts-help = Un nom d'hôte par ligne, par exemple formation.exemple.fr.
signup-domains-help = Séparés par des virgules, par exemple exemple.fr, ecole.exemple.org. Utilisé lorsque seuls ces domaines peuvent s'inscrire.
locale-browser = Suivre mon navigateur

signup-title = Créer un compte
signup-submit = Créer mon compte
signup-closed = Les comptes de ce site sont créés par ses administrateurs.
signup-have-account = Vous avez déjà un compte ?
signup-sent-title = Consultez vos e-mails
signup-sent-body = Nous vous avons envoyé un lien pour confirmer votre adresse e-mail. Ouvrez-le pour activer votre compte.
verify-title = Confirmez votre adresse e-mail
verify-body = Confirmez que cette adresse vous appartient pour activer votre compte.
verify-submit = Confirmer mon adresse
signin-title = Connexion
signin-submit = Se connecter
signin-forgot = Mot de passe oublié ?
signin-tries-left = { $count ->
    [one] Il vous reste 1 essai avant que la connexion à ce compte soit suspendue jusqu'à { $minutes } minutes.
   *[other] Il vous reste { $count } essais avant que la connexion à ce compte soit suspendue jusqu'à { $minutes } minutes.
}
signin-locked = La connexion à ce compte est suspendue pendant { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
} après trop d'essais.
signin-locked-reset = Mot de passe oublié ? Réinitialisez-le par e-mail
signin-no-account = Nouveau ici ?
forgot-title = Réinitialiser votre mot de passe
forgot-lead = Saisissez l'adresse e-mail de votre compte : nous vous enverrons un lien pour choisir un nouveau mot de passe.
forgot-submit = Envoyer le lien
forgot-sent-title = Consultez vos e-mails
forgot-sent-body = Si un compte existe pour cette adresse, nous lui avons envoyé un lien de réinitialisation. Le lien est valable une heure.
reset-title = Choisir un nouveau mot de passe
reset-submit = Enregistrer mon nouveau mot de passe
setup-title = Créer le compte administrateur
setup-lead = Ce compte administrera toute la plateforme. Gardez son mot de passe en lieu sûr.
setup-submit = Créer l'administrateur

account-title = Mon compte
account-profile = Profil
account-password = Mot de passe
account-password-submit = Changer mon mot de passe
account-sessions = Où vous êtes connecté
account-signout-everywhere = Se déconnecter partout
session-browser = Navigateur
session-address = Adresse
session-signed-in = Connexion
session-last-seen = Dernière activité
session-this = ce navigateur

tokens-title = Jetons d'API
tokens-lead = Les jetons d'accès personnels permettent à des programmes d'utiliser l'API d'Amphi en votre nom. Traitez-les comme des mots de passe.
tokens-new = Nouveau jeton
tokens-create = Créer le jeton
tokens-created = Votre nouveau jeton n'est affiché qu'une fois. Copiez-le maintenant :
tokens-yours = Vos jetons
tokens-none = Vous n'avez aucun jeton.
token-expires = Expiration
token-last-used = Dernière utilisation
token-never = Jamais
token-revoked = Révoqué
token-revoke = Révoquer
scope-read = Lecture (voir vos données)
scope-write = Écriture (modifier vos données)
scope-admin = Administration (dans la limite de votre rôle)

admin-title = Administration
checklist-title = Préparer votre site
checklist-all-done = Votre site est prêt
checklist-progress = { $done ->
    [one] { $done } étape terminée sur { $total }.
   *[other] { $done } étapes terminées sur { $total }.
}
checklist-done = fait
checklist-todo = à faire
checklist-branding = Personnaliser votre site
checklist-branding-todo = Ajoutez votre logo et votre couleur pour que chacun reconnaisse votre organisation.
checklist-branding-done = Votre logo ou votre couleur est défini. Vous pouvez les changer dans les réglages du site.
checklist-sign_in = Choisir comment se connecter
checklist-sign_in-todo = Reliez la connexion de votre organisation (OIDC, SAML, LDAP), ou choisissez qui peut créer un compte dans les réglages du site.
checklist-sign_in-done = La connexion est prête : un fournisseur d'identité est actif, ou l'inscription est limitée par les réglages du site.
checklist-course = Créer le premier cours
checklist-course-todo = Un cours avec une session, des modules et des éléments, c'est ce à quoi les apprenants s'inscrivent.
checklist-course-done = Votre site a au moins un cours.
checklist-mail = Relier un serveur de messagerie
checklist-mail-todo = Les e-mails (confirmations, réinitialisations, invitations) sont écrits dans le dossier outbox tant que mail.smtp_url n'est pas défini dans le fichier de configuration par la personne qui gère le serveur.
checklist-mail-done = Les e-mails partent par le serveur de messagerie configuré.
admin-users = Utilisateurs
admin-users-lead = Trouver des personnes, désactiver des comptes, choisir les administrateurs.
admin-site = Paramètres du site
admin-site-lead = Nom, identité visuelle, langue et qui peut s'inscrire.
admin-tenants = Sites (clients)
admin-tenants-lead = Tous les sites clients de cette plateforme.
search-users = Rechercher par nom ou e-mail
users-none = Aucun utilisateur ne correspond.
user-status = Statut
user-role = Rôle
user-active = Actif
user-inactive = Désactivé
user-unverified = non vérifié
user-deactivate = Désactiver
user-reactivate = Réactiver
user-make-admin = Nommer administrateur
user-remove-admin = Retirer l'administration
user-add = Ajouter un utilisateur
user-add-lead = Le compte est créé tout de suite. La personne reçoit un e-mail avec un lien pour choisir son mot de passe (valable 7 jours).
user-add-submit = Ajouter l'utilisateur
user-invite = Inviter par e-mail
user-invite-lead = Chaque adresse reçoit une invitation avec un lien pour choisir un mot de passe (valable 7 jours). Les adresses qui ont déjà un compte restent inchangées.
user-invite-help = Une adresse par ligne, ou séparées par des virgules.
user-invite-submit = Envoyer les invitations
users-invited-result = { $count ->
    [one] { $count } invitation envoyée.
   *[other] { $count } invitations envoyées.
}
users-invited-existing = { $count ->
    [one] { $count } adresse avait déjà un compte et reste inchangée.
   *[other] { $count } adresses avaient déjà un compte et restent inchangées.
}
role-platform-admin = Administrateur de la plateforme
role-tenant-admin = Administrateur
role-member = Membre
tenant-new = Nouveau site
tenant-default = par défaut
tenant-active = Ce site est actif
signup-policy-open = Tout le monde
signup-policy-closed = Personne (les administrateurs créent les comptes)
signup-policy-domains = Seulement les adresses des domaines autorisés

error-title = Un problème est survenu
error-title-forbidden = Vous n'avez pas accès à cette page
error-title-not-found = Page introuvable
error-title-other = Un problème est survenu
error-forbidden-who = Vous êtes connecté·e en tant que { $email }.
error-forbidden-what-to-do = Cette page est réservée à l'équipe d'un cours ou aux administrateurs de ce site. Si vous devriez y avoir accès, demandez-leur de vous ajouter ; si vous avez un autre compte, connectez-vous avec celui-ci.
error-not-found-what-to-do = Vérifiez l'adresse, ou retrouvez le cours depuis le catalogue.
error-to-dashboard = Aller à votre tableau de bord
error-to-catalog = Parcourir le catalogue
error-other-account = Se connecter avec un autre compte
error-request-id = Si le problème persiste, communiquez cette référence au support : { $id }

flash-email-verified = Votre adresse e-mail est confirmée. Vous pouvez maintenant vous connecter.
flash-password-changed = Votre mot de passe a été changé. Les autres navigateurs ont été déconnectés.
flash-password-reset = Votre mot de passe a été changé. Connectez-vous avec le nouveau.
flash-profile-saved = Votre profil a été enregistré.
flash-setup-done = Votre compte administrateur est prêt.
flash-signed-out = Vous êtes déconnecté.
flash-signed-out-idp-unconfirmed = Vous êtes déconnecté ici, mais votre fournisseur d’identité n’a pas confirmé votre déconnexion chez lui : fermez votre navigateur pour mettre fin à cette session.
flash-signed-out-everywhere = Vous avez été déconnecté de tous les navigateurs.
flash-site-saved = Les paramètres du site ont été enregistrés.
flash-tenant-created = Le site a été créé.
flash-tenant-saved = Le site a été enregistré.
flash-token-revoked = Le jeton a été révoqué.
flash-user-updated = Le compte a été mis à jour.
flash-logo-saved = Le logo a été envoyé et s'affiche désormais sur chaque page.
flash-user-added = Le compte a été créé et la personne a reçu par e-mail un lien pour choisir son mot de passe.
flash-users-invited = Les invitations sont en route.

mail-verify-subject = Confirmez votre adresse e-mail pour { $site }
mail-verify-body =
    Bonjour { $name },

    Pour activer votre compte sur { $site }, confirmez votre adresse e-mail en ouvrant ce lien :

    { $link }

    Le lien est valable 48 heures. Si vous n'avez pas créé ce compte, ignorez ce message.
mail-reset-subject = Réinitialisez votre mot de passe sur { $site }
mail-reset-body =
    Bonjour { $name },

    Quelqu'un a demandé à réinitialiser le mot de passe de votre compte sur { $site }. Pour choisir un nouveau mot de passe, ouvrez ce lien :

    { $link }

    Le lien est valable une heure et ne fonctionne qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.
mail-added-subject = Votre compte sur { $site }
mail-added-body =
    Bonjour { $name },

    { $by } a créé un compte pour vous sur { $site }. Pour choisir votre mot de passe et vous connecter, ouvrez ce lien :

    { $link }

    Le lien est valable { $days } jours et ne fonctionne qu'une fois. Si vous n'attendiez pas ce compte, ignorez ce message.
mail-invited-subject = Vous êtes invité à rejoindre { $site }
mail-invited-body =
    Bonjour,

    { $by } vous invite à rejoindre { $site }. Pour choisir votre mot de passe et vous connecter, ouvrez ce lien :

    { $link }

    Le lien est valable { $days } jours et ne fonctionne qu'une fois. Vous pourrez changer votre nom sur la page de votre compte. Si vous ne souhaitez pas nous rejoindre, ignorez ce message.

err-not_found = Cette page ou cet élément n'existe pas, ou vous ne pouvez pas le voir.
err-forbidden = Vous n'êtes pas autorisé à faire cela.
err-unauthenticated = Veuillez vous connecter, ou fournir un jeton d'API valide.
err-invalid_credentials = L'adresse e-mail ou le mot de passe est incorrect.
err-conflict = Cela entre en conflit avec l'état actuel ; rechargez et réessayez.
err-validation = Certains champs ne sont pas valides.
err-bad_request = La requête n'est pas valide.
err-rate_limited = Trop de tentatives. Patientez { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
} puis réessayez.
err-internal = Une erreur inattendue s'est produite de notre côté. Elle a été enregistrée.
err-csrf = Ce formulaire a expiré ou ne provient pas de ce site. Revenez en arrière, rechargez la page et réessayez.
err-already_exists = Cet élément existe déjà.
err-reference_invalid = Cela fait référence à un élément qui n'existe pas.
err-email_not_verified = Votre adresse e-mail n'est pas encore confirmée. Nous vous avons envoyé un nouveau lien de confirmation.
err-token_invalid = Ce lien est invalide, a expiré ou a déjà été utilisé. Demandez-en un nouveau.
err-default_tenant_cannot_be_deactivated = Le site par défaut ne peut pas être désactivé.
err-cannot_deactivate_self = Vous ne pouvez pas désactiver votre propre compte.
err-nothing_to_change = Rien à modifier.
err-form_expected = Un envoi de formulaire était attendu.
err-form_malformed = Le formulaire est mal formé.
err-json_expected = Le corps doit être du JSON (Content-Type: application/json).
err-json_malformed = Le corps JSON est mal formé ou contient des champs inattendus.
err-body_too_large = Le corps de la requête est trop volumineux.
err-cursor_invalid = Le curseur de page n'est pas valide.
err-tenant_not_found = Aucun site n'a ce nom court.
err-platform_admin_must_be_in_default_tenant = Les administrateurs de la plateforme appartiennent au site par défaut.
err-locale_invalid = Cette langue n'est pas disponible.
err-required = Ce champ est obligatoire.
err-too_long = C'est trop long.
too-long-limit = { $count ->
    [one] { $max } caractère au maximum, vous en avez saisi { $got }.
   *[other] { $max } caractères au maximum, vous en avez saisi { $got }.
}
err-email_invalid = Saisissez une adresse e-mail comme nom@exemple.fr.
err-invalid_characters = Cela contient des caractères non autorisés.
err-password_too_short = Le mot de passe doit comporter au moins 10 caractères.
err-slug_invalid = Utilisez uniquement des lettres minuscules, des chiffres et des tirets.
err-host_invalid = Saisissez des noms d'hôte comme formation.exemple.fr.
err-time_zone_invalid = Choisissez un fuseau horaire dans la liste, comme Europe/Paris.
err-colour_invalid = Saisissez une couleur comme #1d4ed8.
err-url_invalid = Saisissez une adresse commençant par https://.
err-signup_domain_not_allowed = Les comptes de ce site sont réservés aux adresses des domaines autorisés.
err-email_taken = Un compte existe déjà avec cette adresse e-mail. Connectez-vous ou réinitialisez votre mot de passe.
err-choice_invalid = Choisissez l'une des options.
err-out_of_range = Cette valeur est hors limites.
err-slug_taken = Ce nom court est déjà utilisé par un autre site.
err-host_taken = L'un de ces noms d'hôte est déjà utilisé par un autre site.
err-password_wrong = Le mot de passe actuel est incorrect.

# Cours
nav-catalog = Catalogue
nav-teach = Enseignement
any = Tous
any-feminine = Toutes
# After a label, before its value (French puts a no-break space before the colon).
colon = {"\u00A0:"}
none = Aucun
delete = Supprimer
preview = Aperçu
published = Publié
draft = brouillon
next = Suivant
previous = Précédent
breadcrumb = Fil d'Ariane
item-navigation = Éléments précédent et suivant
new-window = s'ouvre dans une nouvelle fenêtre
browse-catalog = Parcourir le catalogue.
catalog-title = Catalogue des cours
catalog-search = Rechercher un cours
catalog-empty = Aucun cours ne correspond. Essayez d'autres mots ou moins de filtres.
field-format = Format
field-language = Langue
field-when = Quand
when-open = Inscriptions ouvertes
when-soon = Commence dans les 30 jours
format-mooc = MOOC
format-spoc = SPOC
format-cooc = Cours d'entreprise
visibility-listed = Visible dans le catalogue
visibility-unlisted = Non répertorié (accessible par son adresse)
visibility-private = Privé (membres seulement)
starts = Début
ends = Fin
enrol-closes = Fin des inscriptions
seats = Places prises
enrolment-open = inscriptions ouvertes
runs-title = Sessions
runs-none = Aucune session pour le moment.
edit-course = Modifier ce cours
go-to-course = Aller au cours
unenrol = Quitter ce cours
leave-waiting-list = Quitter la liste d'attente
signin-to-enrol = Se connecter pour s'inscrire
enrol = S'inscrire
join-waiting-list = S'inscrire sur la liste d'attente
field-enrolment-code = Code d'inscription
field-voucher = Code de bon d'accès
status-waiting = liste d'attente
status-active = actif
course-completed = Terminé
resume = Reprendre
progress-label = Progression
progress-of = { $percent } % ({ $done } sur { $total ->
    [one] { $total } élément
   *[other] { $total } éléments
})
progress-of-person = Progression de { $name }
module-progress = Progression dans { $title }
progress-done = Terminé
progress-not-done = Non terminé
run-archived = Cette session est terminée : son contenu reste consultable, rien ne peut être soumis.
run-archived-short = Terminée
run-not-started = Cette session commence le { $date }.
staff-view = Vous voyez ce cours en tant qu'équipe pédagogique : brouillons compris, aucune progression enregistrée.
preview-as-learner = Aperçu apprenant
preview-notice = Aperçu : voici ce que voient les apprenants.
back-to-staff-view = Retour à la vue équipe
edit-outline = Modifier le plan
learners-title = Apprenants
course-home = Accueil du cours
opens-on = ouvre le { $date }
after-item = après « { $title } »
after-previous = après l'élément précédent
outline-empty = Pas encore de contenu.
state-not_started = non commencé
state-viewed = consulté
state-completed = terminé
kind-page = Page
kind-video = Vidéo
kind-file = Fichier
kind-link = Lien
transcript = Transcription
open-link = Ouvrir la ressource
mark-complete = Marquer comme terminé
item-position = Élément { $n } sur { $total } · { $module }
item-next = Suivant : { $title }
outline-title = Plan du cours
outline-locked = verrouillé
module-end-title = Fin de { $module }
module-end-next = Ensuite : { $module } ({ $n ->
    [one] { $n } élément
   *[other] { $n } éléments
}).
module-end-start = Commencer { $module }
module-end-opens = Ce module ouvre le { $date }.
module-end-locked = Ce module s'ouvre une fois terminé ce qui le précède.
course-end-title = Vous êtes arrivé à la fin du cours
course-end-progress = Vous avez terminé { $done } { $total ->
    [one] élément sur { $total }
   *[other] éléments sur { $total }
} ({ $percent } %).
course-end-missing = Le plan du cours indique ce qu'il reste à terminer.
start = Commencer
role-learner = Apprenant
role-instructor = Enseignant
role-teaching_assistant = Tuteur
role-observer = Observateur
teach-title = Enseignement
teach-my-runs = Mes sessions
teach-all-courses = Tous les cours de ce site
teach-empty-title = Construire votre premier cours
teach-empty-lead = Ce site n'a encore aucun cours. Un cours se construit en quatre étapes :
teach-step-course = Créez le cours : un code, un titre et un court résumé.
teach-step-edition = Ajoutez une session : ses dates et qui peut s'inscrire.
teach-step-content = Ajoutez des modules, puis des pages, vidéos, quiz et devoirs dans ces modules.
teach-step-publish = Publiez la session et son contenu quand ils sont prêts.
teach-empty-start = Créer le premier cours
outline-empty-next = Commencez par un premier module.
course-new = Nouveau cours
course-create = Créer le cours
course-settings = Paramètres du cours
about-page = page publique
field-code = Code du cours
code-help = Lettres, chiffres et tirets, par exemple GP101. Affiché dans les adresses.
field-title = Titre
field-summary = Résumé
markdown-help = Markdown : **gras**, *italique*, [lien](https://…), listes, titres. Les scripts et les gestionnaires d'événements HTML sont interdits.
field-visibility = Visibilité
field-cover-url = Adresse de l'image de couverture (URL)
field-run-name = Nom de la session
run-new = Nouvelle session
run-create = Créer la session
run-settings = Paramètres de la session
run-dates = Dates
dates-help = Dans votre fuseau horaire. Laissez vide pour ne pas limiter.
field-enrol-opens = Ouverture des inscriptions
field-enrol-closes = Fin des inscriptions
field-starts = Début
field-ends = Fin (puis lecture seule)
field-policy = Qui peut s'inscrire
policy-open = Toute personne connectée
policy-invitation = Seulement les personnes invitées
policy-code = Les personnes qui ont le code d'inscription
policy-paid = Les acheteurs (boutique ou bon d'accès)
policy-restricted = Les collaborateurs de l'entreprise cliente
enrolment-code-help = Au moins 6 lettres ou chiffres ; les apprenants le saisissent pour s'inscrire.
field-capacity = Places
capacity-help = Laissez vide pour ne pas limiter.
field-waiting-list = Liste d'attente quand c'est complet
field-restrict-domains = Domaines e-mail autorisés
restrict-domains-help = Pour les collaborateurs de l'entreprise cliente : séparés par des virgules, par exemple acme.fr.
field-restrict-group = Groupe autorisé (authentification unique)
field-sequential = Les éléments doivent être terminés dans l'ordre
field-run-published = Publiée (visible par les apprenants)
enrolled = Inscrits
module-new = Nouveau module
module-add = Ajouter le module
module-settings = Paramètres du module
module-delete = Supprimer ce module…
item-delete = Supprimer cet élément…
item-move-module = Déplacer vers un autre module
field-module = Module
item-move-submit = Déplacer l'élément
delete-module-heading = Supprimer le module « { $title } » ?
delete-item-heading = Supprimer l'élément « { $title } » ?
delete-module-items = { $count ->
    [0] Il n'a aucun élément.
    [one] Son seul élément est supprimé avec lui :
   *[other] Ses { $count } éléments sont supprimés avec lui :
}
delete-attempts = { $count ->
    [one] une tentative d'apprenant au quiz
   *[other] { $count } tentatives d'apprenants au quiz
}
delete-submissions = { $count ->
    [one] une remise d'apprenant
   *[other] { $count } remises d'apprenants
}
delete-lost = { $count ->
    [0] Cette action est définitive.
    [one] La progression des apprenants sur cet élément est supprimée avec lui. Cette action est définitive.
   *[other] La progression des apprenants sur ces éléments est supprimée avec eux. Cette action est définitive.
}
delete-refused-heading = Suppression impossible
delete-refused = { $count ->
    [one] Des apprenants ont du travail sur cet élément (ci-dessous) : le supprimer supprimerait leur travail et leurs notes. Dépubliez-le plutôt : les apprenants ne le verront plus et leur travail est conservé.
   *[other] Des apprenants ont du travail sur certains de ses éléments (ci-dessous) : les supprimer supprimerait leur travail et leurs notes. Dépubliez plutôt : les apprenants ne les verront plus et leur travail est conservé.
}
delete-back = Retour
delete-keep = Non, le garder
delete-module-confirm = Oui, supprimer le module et ses éléments
delete-item-confirm = Oui, supprimer l'élément
delete-question-heading = Supprimer la question « { $title } » ?
delete-question-used = { $count ->
    [one] Un quiz utilise cette question. Retirez-la d'abord de ce quiz :
   *[other] { $count } quiz utilisent cette question. Retirez-la d'abord de ces quiz :
}
delete-question-lost = Les quiz qui tirent au hasard dans sa catégorie auront une question de moins. Les tentatives passées gardent leur copie. Cette action est définitive.
delete-question-confirm = Oui, supprimer la question
field-available-from = Disponible à partir du
move-up = Monter
move-down = Descendre
field-kind = Type
field-item-title = Titre de l'élément
field-url = Adresse (lien ou page de la vidéo)
url-help = Pour les vidéos : une page YouTube, Vimeo ou d'une instance PeerTube autorisée.
item-add = Ajouter l'élément
field-body = Texte
field-transcript = Transcription
field-requires = Disponible après avoir terminé
edition-new = Nouvelle session à partir de celle-ci
edition-create = Créer la nouvelle session
edition-help = Les dates, modules et éléments sont copiés et décalés ; les apprenants et leurs travaux ne le sont pas.
learners-counts = { $enrolled ->
    [one] { $enrolled } inscrit
   *[other] { $enrolled } inscrits
}, { $waiting } en attente, { $items ->
    [one] { $items } élément
   *[other] { $items } éléments
}.
export-csv = Exporter en CSV
enrolled-at = Inscription
members-add = Ajouter un membre de l'équipe ou un apprenant
members-add-submit = Ajouter
field-emails = Adresses e-mail
emails-help = Séparées par des virgules ou des retours à la ligne ; chacune reçoit un e-mail avec le lien du cours.
invite-title = Inviter des personnes
invite-submit = Envoyer les invitations
vouchers-title = Bons d'accès
field-voucher-count = Nombre de codes
vouchers-submit = Générer et télécharger

flash-enrolled = Vous êtes inscrit. Bienvenue !
flash-waiting-list = Le cours est complet : vous êtes sur la liste d'attente. Nous vous écrirons quand une place se libérera.
flash-unenrolled = Vous avez quitté le cours.
flash-item-completed = Marqué comme terminé. Bravo !
flash-course-created = Le cours a été créé. Ajoutez maintenant une session.
flash-course-saved = Le cours a été enregistré.
flash-run-created = La session a été créée. Ajoutez des modules et des éléments.
flash-run-saved = La session a été enregistrée.
flash-module-added = Le module a été ajouté.
flash-module-saved = Le module a été enregistré.
flash-moved = Déplacé.
flash-deleted = Supprimé.
flash-module-deleted = Le module et ses éléments ont été supprimés.
flash-item-deleted = L'élément a été supprimé.
flash-item-moved-module = L'élément a été déplacé à la fin du module choisi.
flash-question-deleted = La question a été supprimée.
flash-item-added = L'élément a été ajouté. Rédigez son contenu puis publiez-le.
flash-item-saved = L'élément a été enregistré.
flash-member-added = La personne a été ajoutée.
flash-invited = Les invitations ont été envoyées.
flash-edition-created = La nouvelle session a été créée, non publiée.

mail-seat-subject = Une place est pour vous : { $run }
mail-seat-body =
    Bonjour { $name },

    Une place s'est libérée dans { $run } et elle est à vous : vous êtes inscrit.

    À bientôt dans le cours !
mail-invite-subject = Vous êtes invité : { $course }
mail-invite-body =
    Bonjour,

    Vous êtes invité à suivre { $course } ({ $run }). Connectez-vous ou créez un compte avec cette adresse, puis inscrivez-vous ici :

    { $link }

err-course_code_invalid = Utilisez uniquement des lettres, des chiffres et des tirets (40 au plus).
err-course_code_taken = Un autre cours de ce site a déjà ce code.
err-unsafe_html = Les scripts, cadres et gestionnaires d'événements HTML sont interdits ; utilisez Markdown.
err-video_host_not_allowed = Seules les vidéos YouTube, Vimeo et des instances PeerTube autorisées peuvent être intégrées (adresse https de la page).
err-kind_fixed = Le type d'un élément ne peut pas changer.
err-date_invalid = Saisissez une date et une heure comme 2027-03-01T09:00.
err-date_before_opening = Les inscriptions doivent se terminer après leur ouverture.
err-date_before_start = La fin doit venir après le début.
err-date_before_enrolment = La fin doit venir après l'ouverture des inscriptions.
err-enrolment_code_invalid = Au moins 6 lettres, chiffres ou tirets.
err-enrolment_code_wrong = Ce code d'inscription n'est pas le bon.
err-voucher_invalid = Ce bon d'accès n'est pas valide ou a déjà été utilisé.
err-run_full = Cette session est complète.
err-run_archived = Cette session est terminée.
err-enrolment_closed = Les inscriptions ne sont pas ouvertes.
err-enrolment_restricted = Ce cours est réservé aux collaborateurs de l'entreprise cliente.
err-item_locked = Cet élément n'est pas encore disponible.
err-no_such_account = Aucun compte de ce site n'a cette adresse.
err-too_many_addresses = 1000 adresses au plus à la fois.
err-webhook_timestamp_invalid = L'en-tête d'horodatage est absent ou n'est pas un nombre.
err-webhook_timestamp_stale = La requête est trop ancienne ou dans le futur (plus de 5 minutes).
err-run_not_paid = Cette session n'est pas vendue dans la boutique.

# Inscription en masse
import-title = Inscrire à partir d'un fichier CSV
field-csv-file = Fichier CSV
import-help = Colonnes : email, name, role (learner, instructor, teaching_assistant, observer ; vide signifie apprenant). Rien n'est appliqué avant que vous ayez vu le rapport.
import-submit = Vérifier le fichier
import-summary = { $rows ->
    [one] { $rows } ligne
   *[other] { $rows } lignes
} : { $valid ->
    [one] { $valid } peut être appliquée
   *[other] { $valid } peuvent être appliquées
}, { $errors ->
    [one] { $errors } ne le peut pas
   *[other] { $errors } ne le peuvent pas
}.
import-errors = Lignes qui ne peuvent pas être appliquées
line = Ligne
problem = Problème
value = Valeur
import-more-errors = … et { $count } autres.
import-held = Rien n'a été appliqué. Corrigez le fichier et renvoyez-le, ou appliquez seulement les lignes valides.
import-apply-valid = { $count ->
    [one] Appliquer la ligne valide
   *[other] Appliquer les { $count } lignes valides
}
import-fix-and-retry = Corriger le fichier et le renvoyer
import-progress = Progression de l'import
import-rows-done = { $done } sur { $total ->
    [one] { $total } ligne
   *[other] { $total } lignes
}
import-done = Terminé : { $enrolled ->
    [one] { $enrolled } inscrit
   *[other] { $enrolled } inscrits
}, { $created ->
    [one] { $created } compte créé
   *[other] { $created } comptes créés
}, { $unchanged ->
    [one] { $unchanged } déjà présent
   *[other] { $unchanged } déjà présents
}.
import-failed = L'import a échoué ; l'erreur est consignée dans les journaux. Réessayez plus tard.
import-reload = Rechargez cette page pour voir la progression.
flash-import-started = Les lignes valides sont en cours d'application.
err-csv_header_invalid = La première ligne doit nommer les colonnes : email, name, role (name et role sont facultatifs).
err-csv_empty = Le fichier ne contient aucune ligne.
err-csv_unreadable = Ce fichier ne peut pas être lu comme un CSV.
err-csv_not_utf8 = Le fichier doit être du texte UTF-8 (CSV).
err-csv_row_unreadable = Cette ligne ne peut pas être lue (guillemets ?).
err-name_invalid = Ce nom est trop long ou contient des caractères invalides.
err-role_invalid = Rôle inconnu : utilisez learner, instructor, teaching_assistant ou observer.
err-duplicate_row = Cette adresse apparaît déjà plus haut dans le fichier.
err-file_too_large = Le fichier est trop volumineux.
err-import_not_held = Cet import n'attend pas de décision.

# Annonces
announcements = Annonces
announcements-none = Aucune annonce pour le moment.
announcement-new = Nouvelle annonce
announcement-help = Markdown. Toutes les personnes de cette session la voient ici et la reçoivent par e-mail.
announcement-send = Publier et envoyer
flash-announced = L'annonce est publiée ; les e-mails sont en cours d'envoi.
mail-announcement-subject = [{ $course }] { $title }
mail-announcement-body =
    Bonjour { $name },

    { $body }

    { $link }

# Fichiers et vidéos des cours
files-heading = Fichier
files-video-heading = Fichier vidéo et sous-titres
files-current = Fichier actuel :
files-none = Aucun fichier pour l'instant.
files-show = Afficher les fichiers actuels
field-file = Fichier à envoyer
field-video-file = Fichier vidéo (MP4 ou WebM)
upload-file-help = PDF, images (PNG, JPEG, GIF, WebP, SVG), ZIP, fichiers Word, Excel, PowerPoint et OpenDocument, texte (TXT, CSV, Markdown). Un nouveau fichier remplace l'actuel.
upload-video-help = MP4 ou WebM. Un nouveau fichier remplace la vidéo actuelle ; l'élément est terminé quand on en a regardé 90 %.
upload-max-size = Taille maximale : { $mb } Mo.
upload = Envoyer
subtitles = Sous-titres
subtitles-none = Pas encore de sous-titres.
field-subtitle-lang = Langue des sous-titres
field-subtitles-file = Fichier de sous-titres (WebVTT)
upload-subtitles-help = Un fichier .vtt qui commence par WEBVTT. Un fichier dans une langue déjà présente la remplace.
upload-subtitles = Envoyer les sous-titres
file-download = Télécharger
file-missing = Le fichier n'est pas encore disponible.
video-unsupported = Votre navigateur ne peut pas lire cette vidéo.
video-download = Télécharger la vidéo
video-subtitles-available = Sous-titres :
unit-bytes = octets
unit-kb = Ko
unit-mb = Mo
flash-file-uploaded = Le fichier a été envoyé.
err-file_type_not_allowed = Ce type de fichier n'est pas accepté ici, ou son contenu ne correspond pas à son nom.
err-file_empty = Le fichier est vide.
err-not_a_video = Cet élément n'est pas une vidéo.

# Boutique
shop-webhook = Webhook de la boutique (cours payants)
shop-webhook-help = Votre boutique appelle cette adresse sur ce site après une vente, avec les en-têtes X-Amphi-Timestamp (secondes Unix) et X-Amphi-Signature (HMAC-SHA256 en hexadécimal de l'horodatage, d'un point et du corps, avec le secret ci-dessous). Gardez ce secret confidentiel.
shop-secret = Secret
reorder-help = Réordonnez avec les boutons fléchés, ou faites glisser un module ou un élément à sa nouvelle place. Pour mettre un élément dans un autre module, faites-le glisser sur ce module, ou utilisez « Déplacer vers un autre module » dans son éditeur.

# Journal d'audit
audit-title = Journal d'audit
audit-lead = Connexions et leurs échecs, changements de mot de passe et de rôle, jetons d'API, inscriptions et changements de paramètres : qui, quoi, quand, d'où. Personne ne peut modifier ni supprimer une entrée.
audit-search = Rechercher (action, cible, adresse)
audit-kind = Type
audit-from = Du
audit-to = Au
audit-when = Quand
audit-what = Quoi
audit-target = Concerne
audit-detail = Détails
audit-none = Aucun événement ne correspond.
audit-action-account-created_by_sso = Compte créé par authentification unique
audit-action-account-email_verified = Adresse e-mail confirmée
audit-action-account-signed_up = Compte créé (inscription)
audit-action-announcement-posted = Annonce publiée
audit-action-api_token-created = Jeton d'API créé
audit-action-api_token-revoked = Jeton d'API révoqué
audit-action-certificate-issued = Certificat délivré
audit-action-certificate-reissued = Certificat délivré à nouveau
audit-action-certificate-revoked = Certificat révoqué
audit-action-certificate-run_settings = Réglages des certificats d'une session modifiés
audit-action-certificate-template_changed = Modèle de certificat modifié
audit-action-course-created = Cours créé
audit-action-course_run-created = Session créée
audit-action-course_run-new_edition = Nouvelle session à partir d'une précédente
audit-action-enrolment-created = Inscription
audit-action-enrolment-import_applied_valid = Import d'inscriptions appliqué (lignes valides)
audit-action-enrolment-import_done = Import d'inscriptions terminé
audit-action-enrolment-import_started = Import d'inscriptions lancé
audit-action-enrolment-invited = Invitation à une session
audit-action-enrolment-refused = Inscription refusée
audit-action-enrolment-removed = Inscription retirée
audit-action-enrolment-role_set = Rôle dans le cours modifié
audit-action-grade-override = Note modifiée par l'équipe pédagogique
audit-action-grade-override_total = Note du cours modifiée par l'équipe pédagogique
audit-action-gradebook-scheme = Barème modifié
audit-action-identity-linked = Fournisseur d'identité lié à un compte
audit-action-identity_provider-created = Fournisseur d'identité ajouté
audit-action-lti-key_rotated = Clé de signature LTI remplacée
audit-action-lti-launch_refused = Lancement LTI refusé
audit-action-lti-token_refused = Jeton de service LTI refusé
audit-action-lti-tool_created = Outil externe enregistré
audit-action-lti-tool_deleted = Outil externe supprimé
audit-action-lti-tool_disabled = Outil externe désactivé
audit-action-lti-tool_enabled = Outil externe activé
audit-action-lti-tool_updated = Outil externe modifié
audit-action-identity_provider-deleted = Fournisseur d'identité supprimé
audit-action-identity_provider-disabled = Fournisseur d'identité désactivé
audit-action-identity_provider-enabled = Fournisseur d'identité activé
audit-action-identity_provider-updated = Fournisseur d'identité modifié
audit-action-mfa-disabled = Connexion en deux étapes désactivée
audit-action-mfa-enabled = Connexion en deux étapes activée
audit-action-password-changed = Mot de passe modifié
audit-action-password-reset = Mot de passe réinitialisé
audit-action-password-reset_requested = Réinitialisation du mot de passe demandée
audit-action-platform-admin_created = Administrateur de la plateforme créé
audit-action-package-au_waived = AU cmi5 dispensée pour un apprenant
audit-action-package-uploaded = Paquet déposé
audit-action-package-attempts_reset = Tentatives d'un apprenant sur un paquet réinitialisées
audit-action-question_bank-imported = Questions importées
audit-action-session-logout_refused = Déconnexion par le fournisseur refusée
audit-action-session-signed_out_by_idp = Déconnexion par le fournisseur d'identité
audit-action-session-signed_out_everywhere = Déconnexion de partout
audit-action-shop-order = Commande de la boutique
audit-action-shop-webhook_refused = Notification de la boutique refusée
audit-action-sign_in-failure = Échec de connexion
audit-action-sign_in-success = Connexion
audit-action-tenant-created = Site créé
audit-action-tenant-updated = Réglages du site modifiés
audit-action-user-created = Compte créé par un administrateur
audit-action-user-deactivated = Compte désactivé
audit-action-user-invited = Invitation à créer un compte
audit-action-user-reactivated = Compte réactivé
audit-action-user-role_changed = Rôle d'administrateur modifié
audit-action-voucher-batch_created = Codes d'accès créés
audit-kind-sign_in = Connexions
audit-kind-identity_provider = Fournisseurs d'identité
audit-kind-identity = Identités liées
audit-kind-lti = Outils externes (LTI)
audit-kind-package = Paquets (SCORM)
audit-kind-session = Sessions
audit-kind-password = Mots de passe
audit-kind-account = Comptes
audit-kind-user = Utilisateurs
audit-kind-api_token = Jetons d'API
audit-kind-enrolment = Inscriptions
audit-kind-tenant = Site
audit-kind-course = Cours
audit-kind-shop = Boutique
audit-kind-announcement = Annonces
audit-kind-platform = Plateforme
audit-kind-certificate = Certificats
audit-kind-grade = Notes
audit-kind-question_bank = Banque de questions
audit-kind-mfa = Connexion en deux étapes
audit-kind-voucher = Codes d'accès

# Second facteur
mfa-title = Connexion en deux étapes
mfa-on = La connexion en deux étapes est activée : après votre mot de passe, vous saisissez un code de votre application d'authentification.
mfa-off = La connexion en deux étapes est désactivée. Activez-la pour protéger votre compte avec un code d'une application d'authentification (FreeOTP, Aegis, Google Authenticator…).
mfa-enable = Activer la connexion en deux étapes
mfa-disable = Désactiver la connexion en deux étapes
mfa-recovery-left = Codes de secours restants : { $count }.
mfa-enrol-title = Ajoutez votre compte à votre application d'authentification
mfa-enrol-scan = Scannez ce QR code avec l'application, puis saisissez le code à 6 chiffres qu'elle affiche.
mfa-enrol-manual = Ou saisissez cette clé dans l'application :
mfa-enrol-retry = Saisissez à nouveau le code actuel de l'application.
mfa-qr-label = QR code à scanner avec une application d'authentification
mfa-confirm = Vérifier le code et activer
mfa-codes-title = Vos codes de secours
mfa-codes-lead = Gardez ces codes en lieu sûr : chacun vous connecte une fois si vous perdez votre téléphone. Ils ne sont affichés que maintenant.
mfa-codes-done = Je les ai enregistrés
mfa-signin-title = Connexion en deux étapes
mfa-signin-lead = Saisissez le code à 6 chiffres de votre application d'authentification, ou l'un de vos codes de secours.
field-mfa-code = Code
mfa-verify = Se connecter
field-require-mfa-admins = Les administrateurs doivent utiliser la connexion en deux étapes
flash-mfa-required = Ce site demande à ses administrateurs d'utiliser la connexion en deux étapes : activez-la pour continuer.
flash-mfa-disabled = La connexion en deux étapes est désactivée.
err-mfa_code_wrong = Ce code n'est pas le bon, ou il a déjà été utilisé.
err-mfa_pending_invalid = Cette connexion a expiré ; reconnectez-vous.
err-mfa_already_enabled = La connexion en deux étapes est déjà activée.
err-mfa_not_enabled = La connexion en deux étapes n'est pas activée.
err-mfa_not_started = Recommencez depuis la page de votre compte.

# Banque de questions
bank-title = Banque de questions
bank-import = Importer des questions (format GIFT de Moodle)
field-gift-file = Fichier GIFT
field-gift-text = Ou collez du texte GIFT
gift-help = Tout ou rien : si une question pose problème, rien n'est importé et chaque problème est indiqué avec sa ligne.
bank-import-submit = Importer
bank-export = Exporter la banque en GIFT
bank-imported = { $count ->
    [one] { $count } question importée.
   *[other] { $count } questions importées.
}
bank-import-refused = Rien n'a été importé. Corrigez ces lignes et importez à nouveau :
bank-line = Ligne { $line }
bank-import-lines-refused = { $count ->
    [one] Une ligne pose problème (voir ci-dessus). Corrigez-la ici et importez à nouveau.
   *[other] { $count } lignes posent problème (voir ci-dessus). Corrigez-les ici et importez à nouveau.
}
bank-categories = Catégories
bank-category = Catégorie
bank-points = Points
bank-empty = Aucune question pour le moment.
qtype-single_choice = Choix unique
qtype-multiple_choice = Choix multiple
qtype-true_false = Vrai/faux
qtype-numeric = Numérique
qtype-short_text = Réponse courte
qtype-matching = Appariement
qtype-ordering = Mise en ordre
qtype-fill_blanks = Texte à trous
qtype-essay = Rédaction
err-gift_empty = Le fichier ne contient aucune question.
err-gift_brace_unclosed = Une accolade {"{"} n'est jamais fermée.
err-gift_brace_unexpected = Une accolade fermante {"}"} n'a pas d'accolade ouvrante.
err-gift_answer_block_missing = Cette question n'a pas de bloc de réponses {"{"} … {"}"}.
err-gift_answer_block_repeated = Cette question a deux blocs de réponses.
err-gift_answer_empty = Une réponse est vide.
err-gift_answer_syntax_invalid = Une réponse n'est pas écrite =juste, ~faux, ~%50%partiel ou #nombre.
err-gift_correct_answer_not_unique = Une question à choix unique a plus d'une bonne réponse.
err-gift_correct_answer_required = Aucune réponse n'est marquée juste (=).
err-gift_escape_unknown = Échappement inconnu : seuls \~ \= \# \{"{"} \{"}"} \: \\ et \n sont permis.
err-gift_html_unsafe = Le HTML contient des scripts, des cadres ou des gestionnaires d'événements.
err-gift_matching_syntax_invalid = Une paire à apparier s'écrit =gauche -> droite.
err-gift_missing_word_unsupported = Ce type de question ne peut pas être un mot manquant.
err-gift_numeric_invalid = Une réponse numérique n'est ni un nombre, ni nombre:tolérance, ni un intervalle min..max.
err-gift_question_empty = Une question n'a pas de texte.
err-gift_title_unclosed = Un titre ::… n'est jamais fermé par ::.
err-gift_too_few = Trop peu de réponses pour ce type de question.
err-gift_weight_invalid = Un poids %…% n'est pas un pourcentage entre -100 et 100.
err-gift_file_too_large = Le fichier est trop volumineux pour être importé ; découpez-le en plusieurs fichiers.
err-gift_required = Le texte d'une question ou d'une réponse est vide ; écrivez-le.
err-gift_too_long = Un texte de cette question est trop long ; raccourcissez-le.
err-gift_too_many = Cette question a trop de réponses ; retirez-en.
err-gift_out_of_range = Un nombre de cette question (poids, tolérance ou points) est hors limites ; corrigez-le.
err-gift_invalid_characters = Cette question contient des caractères de contrôle ; retirez-les.
err-gift_weights_sum_invalid = Les poids des bonnes réponses (%50% …) doivent totaliser 100 %.
err-gift_ids_duplicate = Deux réponses de cette question sont identiques ; écrivez chaque réponse une fois.
err-gift_blanks_mismatch = Les blancs de cette question ne correspondent pas à ses réponses ; écrivez une réponse par blanc.
err-gift_question_invalid = Cette question n'est pas valide.

## Quiz et carnet de notes
kind-quiz = Quiz
next-page = Page suivante
quiz-about = À propos de ce quiz
quiz-questions = Questions
quiz-max-points = Points
quiz-attempts-allowed = Tentatives autorisées
quiz-attempts-help = 0 signifie illimité.
quiz-unlimited = Illimitées
quiz-time-limit = Durée limite
quiz-time-limit-field = Durée limite (minutes, vide pour aucune)
quiz-pass-percent = Seuil de réussite (%)
quiz-pass-percent-help = La part des points nécessaire pour réussir ce quiz. Laissez vide s'il n'y en a pas.
quiz-minutes = { $n } min
quiz-untimed = Aucune
quiz-opens = Ouverture
quiz-closes = Fermeture
quiz-keep = Note retenue
quiz-keep-highest = Meilleure tentative
quiz-keep-last = Dernière tentative
quiz-keep-average = Moyenne des tentatives
quiz-your-grade = Votre note
quiz-resume = Reprendre votre tentative
quiz-timer-warning = Une fois commencé, vous disposez de { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}. Le minuteur continue si vous quittez la page ; les réponses données après la limite ne comptent pas.
quiz-start = Commencer le quiz
quiz-start-again = Commencer une nouvelle tentative
quiz-your-attempts = Vos tentatives
quiz-state = État
quiz-submitted-at = Envoyée
quiz-score = Score
attempt-open = En cours
attempt-submitted = Envoyée
quiz-pending = En attente de correction
quiz-attempt-n = Tentative { $n }
quiz-time-left = Temps restant :
quiz-autosave-help = Vos réponses sont enregistrées au fur et à mesure. Envoyez quand vous avez terminé : une tentative envoyée est définitive.
quiz-result = Résultat
quiz-percent = { $percent } %
quiz-passed = Réussi
quiz-not-passed = Non réussi
quiz-pass-mark = Seuil de réussite : { $percent } %
quiz-not-answered = Sans réponse
quiz-unanswered-title = { $n ->
    [one] Une question est sans réponse
   *[other] { $n } questions sont sans réponse
}
quiz-unanswered-help = Vos réponses sont enregistrées. Répondez aux questions ci-dessous, ou envoyez la tentative telle quelle : une tentative envoyée est définitive et les questions sans réponse ne rapportent aucun point.
quiz-submit-anyway = Envoyer quand même
quiz-unanswered-confirm = Questions sans réponse :
quiz-submitted-no-score = Votre tentative est envoyée. Le score sera affiché selon les règles du quiz.
quiz-back = Retour au quiz
quiz-question-n = Question { $n }
quiz-points = { $n ->
    [one] { $n } point
   *[other] { $n } points
}
quiz-choose-all = Cochez toutes les bonnes réponses.
answer-true = Vrai
answer-false = Faux
quiz-your-answer = Votre réponse
quiz-unit = Unité
quiz-choose = Choisir…
quiz-order-help = Donnez à chaque élément sa position, de 1 à { $n }.
quiz-blank-n = Trou { $n }
quiz-earned = { $got } sur { $max ->
    [one] { $max } point
   *[other] { $max } points
}
quiz-correct-answer = Bonne réponse :
quiz-save = Enregistrer les réponses
quiz-submit = Envoyer la tentative
quiz-submit-confirm = Envoyer votre tentative ? Vous ne pourrez plus modifier vos réponses.
quiz-saved-at = Enregistré ({ $n ->
    [one] { $n } réponse
   *[other] { $n } réponses
}) à
quiz-settings = Réglages du quiz
quiz-question-col = Question
quiz-points-col = Points
quiz-points-of = Points pour { $title }
quiz-points-own = Vide : ses propres { $n ->
    [one] { $n } point
   *[other] { $n } points
}
quiz-points-each = Points pour chaque question tirée
quiz-draw-row = { $count ->
    [one] Une question au hasard de « { $category } »
   *[other] { $count } questions au hasard de « { $category } »
}
quiz-draw-kind = Au hasard
quiz-draw-holds = { $count ->
    [0] La catégorie ne contient aucune question.
    [one] La catégorie contient une question.
   *[other] La catégorie contient { $count } questions.
}
quiz-missing-row = Une question qui n'est plus dans la banque
quiz-row = Question { $n } ({ $title })
quiz-remove = Retirer
quiz-slots-help2 = Déplacez une question avec ses flèches ou en la faisant glisser, ou retirez-la ; les changements sont enregistrés avec les paramètres.
quiz-slots-moved = Question déplacée. Enregistrez le quiz pour garder cet ordre.
quiz-no-question = Ce quiz n'a pas encore de question.
quiz-pick-link = Choisissez des questions dans la banque ci-dessous.
quiz-rules = Règles
quiz-save-settings = Enregistrer le quiz
quiz-pick-title = Ajouter des questions de la banque
quiz-pick-search = Chercher dans la banque de questions
quiz-pick-words = Mots du titre
quiz-pick-filter = Afficher
quiz-pick-tick = Ajouter
quiz-pick-in = Dans le quiz
quiz-pick-add = Ajouter les questions cochées
quiz-pick-none = Aucune question ne correspond à cette recherche.
quiz-pick-more = Seules les 200 premières questions trouvées sont listées : affinez la recherche pour voir les autres.
quiz-draw-title = Ajouter des questions au hasard d'une catégorie
quiz-draw-help = Chaque apprenant reçoit des questions différentes, tirées au hasard dans la catégorie à chaque tentative.
quiz-draw-option = { $category } ({ $count ->
    [one] une question
   *[other] { $count } questions
})
quiz-draw-count = Nombre de questions à tirer
quiz-draw-points = Points pour chaque question
quiz-draw-add = Ajouter les questions au hasard
quiz-shuffle-questions = Présenter les questions dans un ordre différent à chaque apprenant
quiz-shuffle-answers = Présenter les options dans un ordre différent à chaque apprenant
quiz-feedback-when = Afficher le score et les commentaires
quiz-answers-when = Afficher les bonnes réponses
reveal-immediately = Dès l'envoi de la tentative
reveal-after_close = Après la fermeture du quiz
reveal-never = Jamais
quiz-bank-empty = La banque de questions est vide. Importez d'abord des questions (GIFT) depuis la page du cours.
quiz-grading-queue = Rédactions à corriger
quiz-grading-empty = Aucune rédaction n'attend de note.
grade-save = Enregistrer les notes
gradebook = Carnet de notes
grades-mine = Mes notes
grades-course = Note du cours
grades-passed = Réussi
grades-not-passed = Pas encore réussi
grades-meter = { $got } % sur 100, seuil de réussite { $pass } %
grades-none-yet = Rien n'est encore noté.
grades-pass-mark = Seuil de réussite : { $n } %.
grades-items = Éléments notés
grades-item = Élément
grades-category = Catégorie
grades-points = Points
grades-default-category = Cours
grades-excused = Dispensé
grades-excused-short = DI
grades-categories = Catégories
grades-weight = Poids
grades-filter = Note du cours
grades-filter-passed = Réussi
grades-filter-failed = Non réussi
grades-filter-ungraded = Pas encore noté
grades-overridden = Fixée par l'équipe pédagogique
grades-no-learners = Aucun apprenant ne correspond.
grades-scheme = Catégories, poids et seuil de réussite
grades-scheme-json = Barème (JSON)
grades-scheme-help = « categories » : id, name, weight, drop_lowest, only_graded ; « pass_percent » ; « columns » : catégorie, poids et extra_credit de chaque élément noté. Toutes les notes du cours sont recalculées après l'enregistrement.
grades-scored = Obtenu
grades-override = Note imposée (points)
grades-reason = Motif
grades-override-total = Imposer la note du cours
grades-percent = Note du cours (% ; vide pour retirer)
flash-answers-saved = Vos réponses sont enregistrées.
flash-attempt-submitted = Votre tentative est envoyée.
flash-quiz-saved = Les réglages du quiz sont enregistrés.
flash-quiz-questions-added = Les questions cochées ont été ajoutées à la fin du quiz.
flash-quiz-draw-added = Les questions au hasard ont été ajoutées à la fin du quiz.
flash-graded = Les notes sont enregistrées.
flash-scheme-saved = Le barème est enregistré ; les notes du cours sont en cours de recalcul.
flash-grade-saved = La note est enregistrée.
err-quiz_not_learner = Seuls les apprenants inscrits passent les quiz. Utilisez « aperçu apprenant » pour voir les questions.
err-quiz_empty = Ce quiz n'a pas encore de questions.
err-quiz_not_open = Ce quiz n'est pas encore ouvert.
err-quiz_closed = Ce quiz est fermé.
err-quiz_no_attempts_left = Vous avez utilisé toutes vos tentatives pour ce quiz.
err-quiz_unavailable = Ce quiz ne peut pas commencer : certaines de ses questions ne sont plus dans la banque. Merci de prévenir l'équipe pédagogique.
err-attempt_started_twice = La tentative n'a pas pu commencer ; rechargez la page.
err-attempt_closed = Cette tentative est déjà envoyée ; vos réponses n'ont pas été modifiées.
err-attempt_expired = Le temps de cette tentative est écoulé : les réponses envoyées après ne comptent pas. La tentative a été notée avec les réponses enregistrées à temps.
err-attempt_already_submitted = Cette tentative est déjà envoyée ; elle ne peut pas l'être deux fois.
err-attempt_not_pending = Il ne reste rien à noter dans cette tentative.
err-question_unknown = Cette question ne fait pas partie de cette tentative ou de ce quiz.
err-question_twice = Cette question figure deux fois dans le quiz.
err-not_enough_questions = La catégorie ne contient pas autant de questions.
err-slot_invalid = Cette ligne n'est ni un identifiant de question ni « draw:NOMBRE:POINTS:CATÉGORIE ».
err-category_unknown = La banque de questions n'a pas cette catégorie.
err-item_has_work = Des apprenants ont des tentatives ou des remises sur cet élément : le supprimer supprimerait leur travail. Dépubliez-le plutôt pour le cacher aux apprenants.
err-question_in_quiz = Un quiz utilise cette question : retirez-la d'abord du quiz.
err-too_many = Il y en a trop.
err-too_few = Trop peu d'éléments ici ; ajoutez-en.
err-ids_duplicate = Deux éléments ont le même identifiant ; donnez à chacun le sien.
err-correct_answer_required = Marquez au moins une réponse comme juste.
err-correct_answer_not_unique = Une question à choix unique a exactement une bonne réponse ; n'en marquez qu'une.
err-weights_sum_invalid = Les crédits des bonnes réponses doivent totaliser 100 %.
err-blanks_mismatch = Les blancs du texte ne correspondent pas aux réponses : placez chaque blanc une fois dans le texte, numéroté à partir de 1, un par réponse.
err-number_invalid = Saisissez un nombre.
err-before_start = Cette date doit suivre la date d'ouverture.
err-answer_invalid = Cette réponse ne correspond pas à la question.
err-order_invalid = Donnez à chaque élément une position différente.
err-json_invalid = Ce n'est pas du JSON valide de la forme attendue.
err-category_in_use = Un élément noté est encore dans une catégorie que vous avez retirée ; déplacez-le d'abord.
err-grade_weights_zero = Au moins une catégorie doit avoir un poids supérieur à zéro.
err-grade_category_unknown = Cette catégorie n'existe pas.
err-grade_id_duplicate = Cet identifiant est utilisé deux fois.
## Certificats
certificate-title = Votre certificat
certificate-ready = Vous avez réussi ce cours : votre certificat est prêt.
certificate-pending = Vous avez réussi ce cours : votre certificat est en préparation. Revenez dans quelques minutes.
certificate-download = Télécharger le certificat (PDF)
certificate-verify-link = Page de vérification publique
certificates-mine = Mes certificats
certificates-none = Vous n'avez pas encore de certificat. Réussissez un cours qui en délivre un et il apparaîtra ici.
certificate-course = Cours
certificate-run = Session
certificate-learner = Apprenant
certificate-issued-on = Délivré le
certificate-code = Code de vérification
certificate-status = État
certificate-status-issued = Valide
certificate-status-pending = En préparation
certificate-status-revoked = Révoqué
certificate-grade = Note
certificate-issuer = Délivré par
certificate-actions = Actions
certificate-verify-title = Vérifier un certificat
certificate-verify-lead = Saisissez le code imprimé sur le certificat (par exemple ABCD-EFGH-JKMN) pour vérifier son authenticité.
certificate-verify-code-help = Douze lettres et chiffres ; les tirets et les espaces ne comptent pas.
certificate-verify-submit = Vérifier
certificate-verify-valid = Ce certificat est valide.
certificate-verify-revoked = Ce certificat a été révoqué le { $date }. Il n'est plus valide.
certificate-verify-unknown-title = Certificat introuvable
certificate-verify-unknown = Aucun certificat de ce site ne porte ce code. Vérifiez le code tel qu'il est imprimé sur le certificat.
certificate-verify-try-again = Essayer un autre code
certificate-verify-another = Vérifier un autre certificat
certificates-title = Certificats
certificate-settings = Réglages des certificats
certificate-enabled = Cette session délivre un certificat aux apprenants qui la réussissent
certificate-disabled = Cette session ne délivre pas de certificat.
certificate-min-completion = Achèvement minimal (%)
certificate-min-completion-help = Part des éléments qu'un apprenant doit avoir terminés, en plus de réussir (0 pour aucune).
certificate-show-grade = Imprimer la note sur les certificats
certificate-show-grade-site = Selon le modèle du site
certificate-show-grade-yes = Oui
certificate-show-grade-no = Non
certificates-issued = Certificats de cette session
certificates-none-run = Aucun certificat pour le moment.
certificate-revoke-reason = Motif de la révocation
certificate-revoke = Révoquer
certificate-reissue = Délivrer à nouveau
certificate-template = Modèle de certificat
certificate-template-lead = L'apparence des certificats de ce site. Les noms et titres sont imprimés tels que saisis.
certificate-preview = Aperçu d'un certificat d'exemple (PDF)
certificate-colour = Couleur du certificat
certificate-colour-help = Une couleur telle que #1d4ed8 ; laissez vide pour la couleur de la marque du site (actuellement { $colour }).
certificate-signature = Signature { $n }
certificate-signature-title = Titre ou fonction
certificate-images = Logo et images des signatures
certificate-images-help = PNG, JPEG ou SVG, { $kib } Kio au plus. Une signature doit avoir un nom avant son image.
certificate-logo = Logo
certificate-signature-image = Image de la signature { $n }
certificate-image-set = définie
certificate-image-upload = Envoyer
certificate-image-remove = Retirer
admin-certificates-lead = Couleur, logo, signatures et aperçu des certificats.
flash-certificate-settings-saved = Les réglages des certificats ont été enregistrés.
flash-certificate-revoked = Le certificat a été révoqué.
flash-certificate-reissued = Un nouveau certificat est en préparation ; l'ancien apparaît désormais comme révoqué.
flash-certificate-template-saved = Le modèle de certificat a été enregistré.
err-percent_invalid = Saisissez un nombre entier de 0 à 100.
err-file_required = Choisissez un fichier.
err-image_too_large = L'image est trop lourde (1 Mio au plus).
err-image_type_invalid = Utilisez une image PNG, JPEG ou SVG.
err-image_invalid = Cette image ne peut pas être dessinée sur un certificat ; essayez de l'exporter à nouveau.
err-signature_name_first = Donnez un nom à cette signature (et enregistrez) avant son image.
err-certificate_not_valid = Ce certificat n'est plus valide.
err-certificate_already_replaced = Un nouveau certificat a déjà été délivré à la place de celui-ci.
err-certificate_valid_exists = Cet apprenant détient déjà un certificat valide pour cette session.
mail-certificate-subject = Votre certificat : { $course }
mail-certificate-body =
    Bonjour { $name },

    Félicitations : vous avez réussi { $course } ({ $run }). Votre certificat est prêt ; téléchargez-le ici (après connexion) :

    { $link }

    Chacun peut vérifier son authenticité sur :

    { $verify }
## Authentification unique
signin-with-provider = Se connecter avec son organisation
signin-with = Se connecter avec { $provider }
signin-with-password = Ou avec son mot de passe
field-username = Identifiant
field-hide-local-passwords = Masquer la connexion par mot de passe (authentification unique seulement)
field-hide-local-passwords-hint = Les administrateurs de la plateforme peuvent toujours utiliser /signin?local=1.
flash-provider-saved = Le fournisseur d'identité a été enregistré.
flash-provider-deleted = Le fournisseur d'identité a été supprimé.
sso-error-title = Échec de la connexion
sso-error-back = Retour à la connexion
sso-link-title = Relier votre compte
sso-link-lead = Un compte existe déjà avec l'adresse { $email }. Saisissez son mot de passe pour le relier à { $provider } ; la prochaine fois, { $provider } suffira pour vous connecter.
sso-link-submit = Relier et se connecter
sso-signout-title = Déconnexion
sso-signout-body = Vous êtes déconnecté ici. Déconnexion de { $provider } en cours…
sso-signout-continue = Continuer vers { $provider }
sso-admin-title = Fournisseurs d'identité
sso-admin-card = Authentification unique : LDAP, SAML, OpenID Connect et plateformes partenaires.
sso-admin-lead = Les personnes se connectent par ces fournisseurs. Chacun a sa configuration, sa correspondance d'attributs et ses règles de groupes.
sso-admin-local-hidden = La connexion par mot de passe est masquée sur ce site : on se connecte par les fournisseurs ci-dessous.
sso-admin-add = Ajouter un fournisseur
sso-admin-none = Aucun fournisseur d'identité pour l'instant.
sso-field-kind = Type
sso-kind-ldap = Annuaire LDAP
sso-kind-saml = SAML 2.0
sso-kind-oidc = OpenID Connect
sso-kind-partner = Plateforme partenaire
sso-field-display-name = Nom sur le bouton de connexion
sso-field-slug = Nom court
sso-field-slug-help = Minuscules, chiffres et tirets ; il figure dans les adresses de ce fournisseur et ne peut pas changer.
sso-field-position = Position sur la page de connexion
sso-field-enabled = Activé
sso-field-jit = Créer les comptes à la première connexion
sso-field-config = Réglages de connexion
sso-field-config-help = Les secrets (secret client, mot de passe du compte de service) sont chiffrés et ne sont plus jamais affichés.
sso-cfg-issuer = Émetteur ou URL de découverte
sso-cfg-issuer-help = OIDC : l'émetteur du fournisseur ; son document de découverte est lu sous /.well-known/openid-configuration. Partenaire : l'iss de ses jetons.
sso-cfg-client_id = Identifiant client
sso-cfg-client_secret = Secret client
sso-cfg-scopes = Portées (scopes)
sso-cfg-scopes-help = En plus d'openid, séparées par des espaces (par exemple : email profile groups).
sso-cfg-userinfo = Demander plus d'informations au point userinfo
sso-cfg-audience = Audience (aud des jetons)
sso-cfg-algorithm = Algorithme de signature
sso-cfg-public_key_pem = Clé publique (PEM)
sso-cfg-jwks_url = URL du jeu de clés (JWKS)
sso-cfg-jwks_url-help = Donnez la clé publique ou l'URL du jeu de clés.
sso-cfg-max_lifetime_secs = Durée de vie maximale d'un jeton (secondes)
sso-cfg-run_claim = Attribut qui nomme la session du cours
sso-cfg-url = URL de l'annuaire
sso-cfg-url-help = ldaps://hôte ou ldap://hôte (avec StartTLS).
sso-cfg-starttls = Utiliser StartTLS sur ldap://
sso-cfg-ca_pem = Autorité de certification (PEM)
sso-cfg-ca_pem-help = Seulement si le certificat de l'annuaire vient d'une autorité privée.
sso-cfg-bind_dn = DN du compte de service
sso-cfg-bind_password = Mot de passe du compte de service
sso-cfg-base_dn = Où chercher les personnes (DN de base)
sso-cfg-user_filter = Filtre qui trouve une personne
sso-cfg-user_filter-help = {"{"}username{"}"} représente ce que la personne saisit.
sso-cfg-attributes = Attributs lus
sso-cfg-attributes-help = Séparés par des espaces.
sso-cfg-group_base_dn = Où chercher les groupes (DN de base)
sso-cfg-group_filter = Filtre qui trouve les groupes d'une personne
sso-cfg-group_filter-help = {"{"}dn{"}"} représente l'entrée de la personne, {"{"}username{"}"} ce qu'elle a saisi.
sso-cfg-group_name_attribute = Attribut du nom de groupe
sso-cfg-member_of_attribute = Attribut qui liste les groupes de la personne (memberOf)
sso-cfg-timeout_ms = Temps accordé par requête (millisecondes)
sso-cfg-trust_email = Faire confiance à l'adresse e-mail donnée par le fournisseur (lier les comptes existants sans demander leur mot de passe)
sso-cfg-idp_metadata_url = URL des métadonnées du fournisseur d'identité
sso-cfg-idp_metadata_xml = Ou ses métadonnées (XML)
sso-cfg-idp_metadata_xml-help = Donnez l'URL des métadonnées, ou collez-les.
sso-cfg-sp_entity_id = Notre identifiant d'entité (si le fournisseur en attend un autre)
sso-cfg-want_assertions_signed = Exiger des assertions signées
sso-cfg-want_response_signed = Exiger une réponse signée
sso-cfg-allow_idp_initiated = Accepter les connexions lancées depuis le fournisseur d'identité
sso-cfg-clock_skew_secs = Décalage d'horloge toléré (secondes)
sso-secret-keep = Un secret est enregistré. Laissez ce champ vide pour le garder, ou saisissez-en un nouveau pour le remplacer.
sso-copy = Copier
sso-copied = Copié.
sso-urls-lead = Enregistrez ces adresses chez le fournisseur d'identité.
sso-test = Tester la connexion
sso-test-lead = Vérifie la configuration enregistrée depuis ce serveur ; personne n'est connecté.
sso-test-ok = La connexion fonctionne.
sso-test-failed = La connexion ne fonctionne pas encore.
sso-test-discovery = Document de découverte lu ; la connexion commence à
sso-test-keys = Clés de signature trouvées
sso-test-ldap = Compte de service connecté ; DN de base lu
sso-test-metadata-fetch = Métadonnées récupérées depuis
sso-test-metadata = Métadonnées lues (identifiant d'entité · URL de connexion · certificats de signature)
sso-test-problem = Problème
sso-mapping = Correspondance des attributs
sso-map-email = Attribut de l'adresse électronique
sso-map-name = Attribut du nom
sso-map-external-id = Attribut d'un identifiant stable (au lieu du sujet)
sso-map-groups = Attribut des groupes
sso-field-group-rules = Règles de groupes (JSON)
sso-field-group-rules-help = Par exemple [{"{"}"group": "staff", "tenant_role": "admin"{"}"}, {"{"}"group": "ventes", "run": "id de session", "course_role": "learner"{"}"}], appliquées à chaque connexion. Ce qu’une règle a donné est retiré quand la personne quitte le groupe ; ce que vous donnez à la main reste.
sso-enabled = Activé
sso-disabled = Désactivé
sso-enable = Activer
sso-disable = Désactiver
sso-delete = Supprimer
sso-urls = Adresses à donner au fournisseur
sso-url-callback = URL de redirection (callback)
sso-url-metadata = Métadonnées du fournisseur de service
sso-url-acs = Service de consommation des assertions
sso-url-slo = Déconnexion unique
sso-url-hand-off = Adresse de passage
sso-url-login = La connexion commence à
sso-reason-provider-unknown = Ce moyen de connexion n'existe pas ou est désactivé.
sso-reason-provider-config-invalid = Ce moyen de connexion est mal configuré. Merci de prévenir l'administrateur du site.
sso-reason-provider-unreachable = Le fournisseur d'identité est injoignable. Merci de réessayer plus tard.
sso-reason-code-rejected = Le fournisseur d'identité n'a pas accepté cette connexion (elle a peut-être déjà servi). Merci de recommencer.
sso-reason-id-token-missing = Le fournisseur d'identité n'a pas dit qui vous êtes. Merci de recommencer.
sso-reason-token-expired = Le jeton de connexion a expiré. Merci de recommencer.
sso-reason-audience-wrong = Le jeton de connexion était destiné à un autre site.
sso-reason-issuer-wrong = Le jeton de connexion vient d'un émetteur inattendu.
sso-reason-nonce-wrong = Le jeton de connexion n'appartient pas à cette connexion. Merci de recommencer.
sso-reason-signature-invalid = La signature du jeton de connexion n'est pas valide.
sso-reason-id-token-invalid = Le jeton de connexion n'est pas valide.
sso-reason-userinfo-failed = Le fournisseur d'identité n'a pas donné vos informations. Merci de réessayer.
sso-reason-token-malformed = Le lien de connexion est incomplet ou abîmé.
sso-reason-algorithm-not-allowed = Le jeton de connexion est signé d'une manière que ce site n'accepte pas.
sso-reason-key-unknown = Le jeton de connexion est signé avec une clé que ce site ne connaît pas.
sso-reason-token-not-yet-valid = Le jeton de connexion n'est pas encore valide. Vérifiez l'horloge du partenaire.
sso-reason-token-lifetime-too-long = Le jeton de connexion vit trop longtemps ; les partenaires doivent émettre des jetons valables quelques minutes seulement.
sso-reason-claim-missing = Il manque des informations obligatoires dans le jeton de connexion.
sso-reason-state-invalid = Cette connexion n'a pas commencé ici, ou elle a déjà servi. Merci de recommencer.
sso-reason-provider-error = Le fournisseur d'identité a refusé ou annulé la connexion.
sso-reason-code-missing = La réponse du fournisseur d'identité est incomplète. Merci de recommencer.
sso-reason-token-replayed = Ce lien de connexion a déjà servi.
sso-reason-next-invalid = La page à ouvrir après la connexion n'est pas sur ce site.
sso-reason-subject-missing = Le fournisseur d'identité n'a pas donné d'identifiant stable pour vous.
sso-reason-subject-too-long = L'identifiant donné par le fournisseur d'identité est trop long.
sso-reason-email-invalid = Le fournisseur d'identité a donné une adresse électronique non valide.
sso-reason-email-missing = Le fournisseur d'identité n'a pas donné votre adresse électronique, nécessaire pour créer votre compte.
sso-reason-account-not-found = Aucun compte de ce site ne vous est encore relié. Merci de demander l'accès à l'administrateur du site.
sso-reason-account-inactive = Votre compte sur ce site est désactivé.
sso-reason-identity-already-linked = Cette identité est déjà reliée à un compte. Merci de vous reconnecter.
sso-reason-link-expired = La liaison de compte a expiré. Merci de vous reconnecter par votre fournisseur.
sso-reason-link-password-wrong = Le mot de passe n'est pas le bon.
sso-reason-other = La connexion n'a pas pu aboutir.
err-local_passwords_hidden = Ce site connecte les personnes uniquement par ses fournisseurs d'identité.
err-provider_slug_taken = Un autre fournisseur utilise déjà ce nom court.
err-provider_kind_fixed = Le type d'un fournisseur ne peut pas changer.
err-provider_slug_fixed = Le nom court d'un fournisseur ne peut pas changer.
err-json_object_expected = Saisissez un objet JSON ({"{"} … {"}"}).
err-config_key_unknown = clé inconnue pour ce type de fournisseur
err-boolean_expected = true ou false attendu
err-number_out_of_range = nombre hors de l'intervalle permis
err-words_expected = une liste de mots est attendue
err-text_expected = du texte est attendu
err-partner_key_required = donnez la clé publique du partenaire (PEM) ou l'URL de son JWKS
err-pem_invalid = ce n'est pas une clé publique de l'algorithme choisi
err-ldap_bind_pair = donnez le DN de liaison et son mot de passe, ou aucun des deux
err-saml_metadata_required = donnez l'URL ou le XML des métadonnées du fournisseur d'identité
err-lti_keys_required = donnez l'URL du jeu de clés de l'outil ou collez sa clé publique
err-lti_custom_invalid = Écrivez un paramètre par ligne, sous la forme nom=valeur (lettres, chiffres, _ - . dans les noms).
err-lti_tool_disabled = Cet outil externe est désactivé par les administrateurs du site.
err-lti_launch_invalid = Ce lancement a expiré ou n'a pas été fait pour vous. Ouvrez l'élément à nouveau.
err-lti_tool_has_grades = Cet outil a transmis des notes : désactivez-le au lieu de le supprimer.
err-mapping_invalid = Les attributs de l'adresse et du nom sont obligatoires.
err-group_rules_invalid = Chaque règle a besoin d'un groupe et soit de "tenant_role", soit de "run".
err-group_rule_role_invalid = Rôle inconnu dans une règle de groupe (site : admin ; cours : instructor, teaching_assistant, learner, observer).
err-group_rule_run_unknown = Une règle de groupe désigne une session de cours qui n'existe pas sur ce site.
sso-reason-invalid-credentials = L'identifiant ou le mot de passe n'est pas le bon.
sso-reason-rate-limited = Trop de tentatives. Merci d'attendre quelques minutes avant de réessayer.
err-attribute_invalid = nom d'attribut non valide
err-filter_invalid = filtre LDAP non valide
err-filter_needs_placeholder = le filtre de groupes doit contenir {"{"}dn{"}"} ou {"{"}username{"}"}
err-filter_needs_username = le filtre doit contenir {"{"}username{"}"}
err-starttls_needs_ldap_url = StartTLS demande une adresse ldap:// (ldaps:// est déjà chiffré)
err-ldap_url_invalid = une adresse ldap:// ou ldaps:// (hôte et port, rien d'autre) est attendue
err-dn_invalid = Ce n'est pas un nom distinctif valide ; écrivez-le comme cn=reader,dc=example,dc=org.
sso-reason-saml-malformed = La réponse du fournisseur d'identité n'est pas une réponse SAML valide.
sso-reason-saml-decryption-failed = La réponse du fournisseur d'identité n'a pas pu être déchiffrée.
sso-reason-saml-wrong-endpoint = La réponse du fournisseur d'identité était adressée à un autre site ou une autre adresse.
sso-reason-saml-unsolicited = Ce site n'accepte que les connexions commencées ici. Merci de recommencer depuis la page de connexion.

## Devoirs et évaluation par les pairs
kind-assignment = Devoir
kind-peer = Évaluation par les pairs
kind-tool = Outil externe
kind-package = Paquet SCORM ou cmi5
as-rules = Fonctionnement
as-due = À rendre le
as-hard-deadline = Date limite absolue
as-hard-deadline-help = Rien n'est accepté après cette date, quelle que soit la règle de retard.
as-late-policy = Travail en retard
as-late-policy-penalty = Accepté avec une pénalité par jour de retard
as-late-policy-refuse = Refusé après la date de remise
as-late-refuse = Non accepté après la date de remise.
as-late-penalty = Accepté avec { $percent } % de pénalité par jour de retard.
as-late-penalty-percent = Pénalité par jour de retard (%)
as-max-points = Points maximum
as-max-points-help = Utilisé sans grille ; avec une grille, les meilleurs niveaux font le maximum.
as-rubric = Grille d'évaluation
as-rubric-help = Un critère par ligne : Titre : niveau = points ; niveau = points. Par exemple « Argumentation : Faible = 0; Correcte = 2; Solide = 4 ».
as-criterion = Critère
as-levels = Niveaux
as-chosen = choisi
as-your-grade = Votre note
as-points-of = { $points } sur { $max }
as-penalty = { $points ->
    [one] { $points } point retiré
   *[other] { $points } points retirés
}
as-feedback = Commentaires
as-your-work = Votre travail
as-submitted-at = Rendu le { $date } (version { $version })
as-late-days = { $days ->
    [one] { $days } jour de retard
   *[other] { $days } jours de retard
}
as-late-now = Si vous rendez maintenant, votre travail aura { $days ->
    [one] { $days } jour de retard
   *[other] { $days } jours de retard
}.
as-resubmit = Rendre une nouvelle version
as-hand-in = Rendre votre travail
as-text = Votre réponse
as-text-help = Markdown est accepté. « Enregistrer le brouillon » garde votre texte sans le rendre.
as-draft-kept = Un brouillon est enregistré ; il n'est pas encore rendu.
as-submit = Rendre
as-save-draft = Enregistrer le brouillon
as-phase-submission = Phase de remise : rendez votre travail.
as-phase-review = Phase d'évaluation : évaluez le travail de vos pairs.
as-phase-closed = Les évaluations sont closes ; les résultats arrivent bientôt.
as-phase-results = Les résultats sont publiés.
as-submission-until = Travaux acceptés jusqu'au
as-review-from = Ouverture des évaluations
as-review-until = Clôture des évaluations
as-results-from = Résultats
as-reviews-required = Évaluations à faire
as-waiting-staff = Votre travail n'a pas reçu assez d'évaluations ; l'équipe pédagogique le notera.
as-reviews-received = Évaluations de votre travail
as-self-assessment = Auto-évaluation
as-review-n = Évaluation { $n }
as-score = note { $score }
as-excluded = écartée
as-flagged = Vous avez signalé cette évaluation ; l'équipe pédagogique va l'examiner.
as-flag = Signaler cette évaluation comme injuste
as-flag-reason = Pourquoi est-elle injuste ?
as-flag-send = Envoyer à l'équipe pédagogique
as-volunteer = Évaluer davantage
as-volunteer-extra = Évaluations supplémentaires que je propose de faire
as-reviews-to-do = Évaluations à faire
as-submission-n = Travail { $n }
as-done = fait
as-to-do = à faire
as-no-tasks-yet = Aucun travail à évaluer ne vous a encore été attribué.
as-comment = Commentaire pour l'auteur
as-comment-help = Soyez précis et bienveillant. Votre nom n'est pas montré à l'auteur.
as-send-review = Envoyer l'évaluation
as-back-to-item = Retour à l'évaluation
as-review-of = Évaluation du travail { $n }
as-their-work = Le travail
as-your-review = Votre évaluation
as-edit-item = Modifier l'élément
as-queue = File de correction
as-settings = Paramètres de l'évaluation
as-k = Évaluations par travail
as-m = Évaluations que chaque apprenant doit faire
as-max-extra = Évaluations supplémentaires qu'un volontaire peut demander
as-self-assessment-on = Les apprenants évaluent aussi leur propre travail
as-self-weight = Poids de l'auto-évaluation (0 à 1)
as-aggregate = Note à partir des notes des pairs
as-median = Médiane
as-mean = Moyenne
as-missing-penalty = Pénalité par évaluation non faite (% du maximum)
as-shortfall = Travail avec trop peu d'évaluations
as-shortfall-staff = Va à l'équipe pédagogique
as-shortfall-available = Est noté avec les évaluations reçues
as-filters = Filtres
as-filter-ungraded = Non notés
as-filter-graded = Notés
as-filter-late = En retard
as-filter-staff = Pour l'équipe pédagogique
as-filter-all = Tous
as-learner = Apprenant
as-submitted = Rendu
as-late = Retard
as-grade = Note
as-needs-staff = attend l'équipe pédagogique
as-queue-empty = Rien ici.
as-flags = Évaluations signalées
as-flags-none = Aucune évaluation signalée.
as-open-submission = Ouvrir le travail
as-resolution = Note
as-uphold = Donner raison (l'évaluation ne compte plus)
as-dismiss = Rejeter
as-current-grade = Note actuelle : { $points } sur { $max }
as-override = Fixer la note
as-override-reason = Motif (conservé dans l'historique)
as-points = Points (0 à { $max })
flash-draft-saved = Votre brouillon est enregistré.
flash-work-submitted = Votre travail est rendu.
flash-volunteer-saved = Merci : votre proposition est enregistrée.
flash-review-saved = Votre évaluation est envoyée.
flash-flag-sent = L'équipe pédagogique va examiner cette évaluation.
flash-settings-saved = Les paramètres sont enregistrés.
flash-flag-resolved = Le signalement est traité.
err-deadline_passed = La date limite est passée : plus rien ne peut être rendu.
err-already_graded = Ce travail est déjà noté ; il ne peut plus être modifié.
err-not_submitted = Ce travail n'a pas été rendu.
err-review_not_open = La phase d'évaluation n'a pas encore commencé.
err-review_closed = La phase d'évaluation est terminée.
err-submission_locked = Votre travail est en cours d'évaluation ; il ne peut plus être modifié.
err-submit_first = Rendez d'abord votre propre travail.
err-review_already_submitted = Cette évaluation a déjà été envoyée.
err-self_assessment_off = Cette évaluation n'a pas d'auto-évaluation.
err-results_not_out = Les résultats ne sont pas encore publiés.
err-already_flagged = Vous avez déjà signalé cette évaluation.
err-flag_resolved = Ce signalement a déjà été traité.
err-rubric_format = Écrivez un critère par ligne : Titre : niveau = points ; niveau = points.
err-rubric_empty = La grille doit avoir au moins un critère.
err-rubric_levels_too_few = Chaque critère doit avoir au moins deux niveaux.
err-rubric_points_invalid = Les points doivent être des nombres positifs ou nuls.
err-rubric_points_duplicate = Deux niveaux d'un critère ont les mêmes points.
err-rubric_incomplete = Choisissez un niveau pour chaque critère.
err-rubric_level_invalid = Ce niveau n'existe pas dans la grille.
err-reviewer_duplicate = Un évaluateur figure deux fois dans l'évaluation par les pairs ; ne citez chaque évaluateur qu'une fois.
err-submission_duplicate = Un devoir figure deux fois dans l'évaluation par les pairs ; ne citez chaque devoir qu'une fois.
err-deadline_before_due = La date limite absolue ne peut pas précéder la date de remise.
err-dates_out_of_order = Les dates des phases doivent se suivre.
as-accept-files = Les apprenants peuvent joindre des fichiers
as-max-files = Nombre maximum de fichiers par travail
as-max-file-mb = Taille maximum d'un fichier (Mo)
as-files = Fichiers joints
as-remove-file = Retirer
as-attach-file = Joindre un fichier
as-file = Fichier
as-file-help = Jusqu'à { $files ->
    [one] 1 fichier
   *[other] { $files } fichiers
} de { $mb } Mo chacun : PDF, images, documents bureautiques, texte, zip.
flash-file-removed = Le fichier est retiré.
err-files_not_accepted = Ce devoir n'accepte pas de fichiers.
err-too_many_files = Vous avez joint autant de fichiers que permis ; retirez-en un d'abord.

# LTI launches
lti-opening = Ouverture de l'outil…
lti-opening-help = Si l'outil ne s'ouvre pas tout seul, appuyez sur Continuer.
lti-continue = Continuer
lti-open = Ouvrir { $name } dans une nouvelle fenêtre
field-tool = Outil
field-presentation = S'ouvre
presentation-iframe = Dans la page
presentation-window = Dans une nouvelle fenêtre
field-tool-completion = Compte comme terminé
tool-completion-launch = À l'ouverture
tool-completion-score = Quand l'outil envoie une note
tool-completion-pass = Quand l'outil envoie une note suffisante
err-lti_deep_link_invalid = La réponse de l'outil n'a pas pu être vérifiée ou a expiré. Ouvrez à nouveau le sélecteur de contenu de l'outil.
err-lti_content_refused = L'outil a envoyé un contenu qu'Amphi ne peut pas ajouter (il accepte les liens d'outil, les liens, les fichiers et le HTML). Rien n'a été ajouté.
err-package_invalid = Le paquet a été refusé : voyez les problèmes ci-dessous. Rien n'a été enregistré.
err-package_missing = Cet élément n'a pas encore de paquet.
err-package_no_attempt_left = Vous avez utilisé toutes les tentatives que permet cet élément.
err-package_au_satisfied = Cette AU compte déjà comme faite pour cet apprenant : rien à dispenser.
err-package_conflict = Cette tentative a été enregistrée entre-temps depuis un autre onglet ou une autre fenêtre. Rechargez pour reprendre à partir de là.
err-package_session_invalid = Cette session du contenu a expiré. Rechargez la page : votre progression jusqu'ici est enregistrée.
err-package_data_invalid = Le contenu a envoyé des données illisibles. Rien n'a été enregistré.
audit-action-lti-deep_link_created = Éléments ajoutés depuis un outil externe
audit-action-lti-deep_link_refused = Contenu d'outil externe refusé
lti-pick = Ajouter depuis { $name }
flash-lti-added = Les éléments choisis dans l'outil ont été ajoutés en brouillon.

# LTI tools administration
lti-admin-title = Outils externes
lti-admin-card = Les outils LTI 1.3 que les équipes pédagogiques peuvent mettre dans leurs cours, et la clé de signature de cette plateforme.
lti-admin-lead = Les outils enregistrés ici peuvent être lancés depuis les éléments des cours. Chaque outil reçoit un identifiant client et un identifiant de déploiement ; donnez-les au développeur de l'outil avec les informations de cette plateforme ci-dessous.
lti-admin-add = Enregistrer un outil
lti-admin-caption = Outils enregistrés
lti-admin-none = Aucun outil n'est encore enregistré.
lti-client-id = Identifiant client
lti-deployment-id = Identifiant de déploiement
lti-services = Services
lti-privacy = Vie privée
lti-privacy-help = Ce que l'outil apprend des personnes qui l'ouvrent, en plus d'un identifiant.
lti-privacy-nothing = Identifiant seulement
lti-none = Aucun
lti-tool-on = Activé
lti-tool-off = Désactivé
lti-turn-on = Activer
lti-turn-off = Désactiver
lti-short-ags = Notes
lti-short-nrps = Membres
lti-short-deep-linking = Sélection de contenu
lti-short-name = Nom
lti-short-email = Courriel
lti-short-picture = Photo
lti-platform-title = Cette plateforme
lti-platform-lead = Donnez ces informations au développeur de l'outil : l'outil en a besoin pour accepter les lancements depuis ce site et utiliser ses services.
lti-platform-issuer = Émetteur (issuer)
lti-platform-authorization-url = URL d'autorisation (demandes d'authentification OIDC)
lti-platform-token-url = URL des jetons d'accès
lti-platform-jwks-url = URL du jeu de clés (JWKS)
lti-platform-openid-configuration-url = URL de la configuration OpenID
lti-key-title = Remplacer la clé de signature
lti-key-lead = Une nouvelle clé signe désormais chaque lancement et chaque jeton. Les lancements en cours continuent de fonctionner : l'ancienne clé reste publiée dans le jeu de clés pendant une journée.
lti-key-rotate = Remplacer la clé de signature
lti-ids-title = Les identifiants de cet outil
lti-ids-lead = Le développeur de l'outil enregistre cette plateforme avec ces identifiants.
lti-field-name = Nom
lti-field-name-help = Montré aux équipes pédagogiques quand elles ajoutent l'outil à un cours.
lti-field-login-url = URL d'initiation de connexion
lti-field-login-url-help = L'adresse de connexion OIDC tierce de l'outil, où commence chaque lancement.
lti-field-target-link-uri = URI de lien cible
lti-field-target-link-uri-help = L'adresse de lancement par défaut de l'outil.
lti-field-redirect-uris = URI de redirection
lti-field-redirect-uris-help = Une adresse par ligne : où les lancements peuvent être envoyés. Si vide, l'URI de lien cible.
lti-field-deep-link-url = URL de sélection de contenu (deep linking)
lti-field-deep-link-url-help = Le sélecteur de contenu de l'outil, s'il en a un.
lti-keys-legend = Les clés de l'outil
lti-keys-help = Donnez l'URL du jeu de clés de l'outil, ou collez sa clé publique.
lti-field-jwks-url = URL du jeu de clés
lti-field-public-key-pem = Clé publique (PEM)
lti-field-custom = Paramètres personnalisés
lti-field-custom-help = Un nom=valeur par ligne, envoyés avec chaque lancement. Une valeur peut être une variable : $User.id, $Person.name.full, $Person.email.primary, $Context.id, $Context.title, $ResourceLink.id, $ResourceLink.title, $Message.locale.
lti-field-ags = Assignment and Grade Services (l'outil envoie des notes au carnet de notes)
lti-field-nrps = Names and Role Provisioning (l'outil liste les membres du cours)
lti-field-deep-linking = Deep Linking (les équipes pédagogiques choisissent du contenu dans l'outil)
lti-field-send-name = Envoyer le nom des personnes
lti-field-send-email = Envoyer l'adresse électronique des personnes
lti-field-send-picture = Envoyer la photo des personnes
lti-field-enabled = Activé
lti-field-enabled-help = Un outil désactivé ne peut être ni lancé ni utiliser les services ; les notes qu'il a transmises sont conservées.
lti-delete-title = Supprimer cet outil
lti-delete-lead = Supprimer { $name } efface son enregistrement, son identifiant client et son déploiement : les éléments de cours qui le lancent ne fonctionnent plus et l'outil ne peut plus joindre ce site. Un outil qui a transmis des notes ne peut pas être supprimé ; désactivez-le plutôt.
lti-delete = Supprimer l'outil
lti-delete-refused = L'outil n'a pas été supprimé
flash-lti-tool-saved = L'outil a été enregistré.
flash-lti-tool-enabled = L'outil est activé.
flash-lti-tool-disabled = L'outil est désactivé.
flash-lti-tool-deleted = L'outil a été supprimé.
flash-lti-key-rotated = La clé de signature a été remplacée. L'ancienne clé reste publiée pendant une journée.
lti-dr-title = Enregistrer un outil depuis son URL d'enregistrement
lti-dr-lead = Les outils compatibles avec l'enregistrement dynamique LTI vous donnent une URL : Amphi leur envoie sa configuration et l'outil s'enregistre lui-même. Le lien vaut pour un outil, pendant une heure.
lti-dr-url = URL d'enregistrement de l'outil
lti-dr-start = Commencer l'enregistrement
lti-dr-continue-lead = La page d'enregistrement de l'outil s'ouvre dans une nouvelle fenêtre ; elle lit la configuration de cette plateforme et l'outil s'enregistre.
lti-dr-continue = Continuer chez l'outil
lti-dr-after = Quand l'outil indique avoir terminé, le nouvel outil apparaît dans
field-tool-url = Adresse lancée
field-tool-url-help = Laissez vide pour lancer l'adresse propre à l'outil.
field-tool-custom = Paramètres personnalisés
field-tool-custom-help = Un nom=valeur par ligne, envoyé à l'outil à chaque lancement (par exemple level=2).

## Paquets (SCORM, cmi5)
package-preview = Aperçu : rien de ce que vous faites ici n'est enregistré.
package-attempts = Vos tentatives
package-attempts-allowed = { $n } permises
package-attempt = Tentative
package-completion = Achèvement
package-success = Réussite
package-score = Score
package-completion-not_attempted = Pas commencée
package-completion-incomplete = En cours
package-completion-completed = Terminée
package-completion-unknown = Inconnu
package-success-passed = Réussie
package-success-failed = Échouée
package-success-unknown = —
package-new-attempt = Commencer une nouvelle tentative
package-manage = Paquet
package-report = Résultats des apprenants
field-package-completion = Compte comme fait
package-completion-rule-completed = Quand le paquet le déclare terminé (ou réussi)
package-completion-rule-passed = Seulement quand le paquet le déclare réussi
field-package-max-attempts = Tentatives permises
field-package-max-attempts-help = 0 pour aucune limite. Un apprenant peut commencer une nouvelle tentative dès que la précédente a commencé.
field-package-max-points = Valeur dans le carnet de notes (points)
field-package-max-points-help = Le meilleur score du paquet, ramené à cette valeur.
package-saved = Progression enregistrée.
package-save-failed = Votre progression n'a pas pu être enregistrée. Vérifiez votre connexion ; le contenu réessaiera.
package-ended = Cette partie est terminée. Choisissez la suite.
package-refused = Le paquet ne le permet pas pour l'instant.
package-course-ended = Le cours est terminé pour cette tentative.
package-contents = Sommaire
package-previous = Précédent
package-next = Suivant
cmi5-opening = Ouverture de l'activité…
cmi5-opened-window = L'activité est ouverte dans sa propre fenêtre. Revenez ici quand vous avez terminé.
cmi5-open-again = Rouvrir l'activité
cmi5-returned = Vous avez quitté l'activité.
cmi5-returned-help = Votre progression est enregistrée. Choisissez la suite dans le sommaire du cours.
cmi5-course-satisfied = Vous avez rempli toutes les conditions de ce cours.
cmi5-launch-failed = L'activité n'a pas pu s'ouvrir. Rechargez la page et réessayez.
cmi5-block-done = terminé
cmi5-status-not_started = Pas commencé
cmi5-status-started = En cours
cmi5-status-completed = Terminé
cmi5-status-passed = Réussi
cmi5-status-failed = Échoué
cmi5-status-waived = Dispensé
cmi5-aus = Unités d'apprentissage
cmi5-au = Unité d'apprentissage
cmi5-satisfied = compte comme faite
cmi5-waive = Dispenser
cmi5-waive-reason = Motif
cmi5-waive-button = Dispenser de cette unité
cmi5-waive-help = Une unité dispensée compte comme faite pour cet apprenant (terminée et réussie, sans note). Le registre d'apprentissage indique qui l'a dispensée et pourquoi.
cmi5-reason-tested-out = Acquis vérifié par un test
cmi5-reason-equivalent-au = Unité équivalente de ce cours
cmi5-reason-equivalent-outside-activity = Activité équivalente ailleurs
cmi5-reason-administrative = Décision administrative
flash-cmi5-waived = L'apprenant est dispensé de cette unité.
flash-package-uploaded = Le paquet est déposé : les apprenants reçoivent désormais cette version.
flash-package-attempt-started = Une nouvelle tentative a commencé.
package-heading = Paquet SCORM ou cmi5
package-current = Les apprenants reçoivent la version { $version } : { $title }
package-none = Pas encore de paquet : déposez-en un.
package-versions = Versions
package-version = Version
package-standard = Norme
package-files = Fichiers
package-uploaded-at = Déposé le
package-upload = Déposer le paquet
package-upload-help = Un .zip exporté de Storyline, Rise, Captivate, iSpring ou de tout outil SCORM 1.2, SCORM 2004 ou cmi5, avec imsmanifest.xml (ou cmi5.xml) à sa racine. Un nouveau dépôt devient une nouvelle version ; les tentatives déjà faites gardent la leur.
field-package-file = Paquet (.zip)
package-problems = { $n ->
    [one] Le paquet a été refusé pour un problème :
   *[other] Le paquet a été refusé pour { $n } problèmes :
}
package-problem-at = { $file }, ligne { $line }
package-report-heading = Résultats des apprenants
package-reset = Réinitialiser les tentatives
package-reset-confirm = Réinitialiser toutes les tentatives de { $name } sur ce paquet ? Ce qu'il ou elle a fait est effacé, et la progression et la note de l'élément sont remises à zéro. C'est irréversible.
flash-package-attempts-reset = Les tentatives de l'apprenant ont été réinitialisées : sa prochaine visite commence la tentative 1.
package-reset-label = Réinitialiser les tentatives de { $name }
package-report-empty = Aucun apprenant n'a encore ouvert ce paquet.
package-learner = Apprenant
package-time = Temps
package-updated = Dernier enregistrement
package-csv = Télécharger en CSV (avec chaque interaction)
package-more = Apprenants suivants
package-attempt-heading = { $name }, tentative { $n }
package-interactions = Interactions
package-interaction-id = Question
package-interaction-type = Type
package-interaction-response = Réponse
package-interaction-result = Résultat
package-interaction-time = Quand
package-no-interactions = Cette partie n'a enregistré aucune interaction.
package-sco = Partie
package-standard-scorm12 = SCORM 1.2
package-standard-scorm2004-2 = SCORM 2004 2e édition
package-standard-scorm2004-3 = SCORM 2004 3e édition
package-standard-scorm2004-4 = SCORM 2004 4e édition
package-standard-cmi5 = cmi5
package-not-a-zip = Ce n'est pas un fichier zip ({ $detail }).
package-unsafe-path = Le chemin { $path } sort du paquet.
package-symlink = { $path } est un lien symbolique ; un paquet ne peut pas en contenir.
package-encrypted = { $path } est chiffré ; un paquet ne doit pas l'être.
package-duplicate-path = { $path } figure deux fois dans le zip.
package-too-many-entries = Le zip contient plus de { $max } fichiers.
package-too-large = Le paquet dépasse { $max } octets une fois décompressé.
package-entry-too-large = { $path } dépasse { $max } octets une fois décompressé.
package-suspicious-ratio = { $path } se compresse plus de { $max } fois : cela ressemble à une bombe zip.
package-size-mismatch = { $path } n'a pas la taille que le zip déclare ({ $declared } octets).
package-unreadable = { $path } est illisible ({ $detail }).
package-no-manifest = Il n'y a pas d'imsmanifest.xml (ni de cmi5.xml) à la racine du zip.
package-manifest-in-folder = Le manifeste est dans le dossier { $folder } : zippez le contenu du dossier, pas le dossier.
package-manifest-too-large = Le manifeste dépasse { $max } octets.
package-xml = Le XML est illisible : { $detail }
package-too-deep = Le XML s'imbrique sur plus de { $max } niveaux.
package-unknown-schema = Version de schéma inconnue « { $found } ».
package-missing-element = L'élément { $element } manque.
package-missing-attribute = L'élément { $element } n'a pas d'attribut { $attribute }.
package-bad-value = { $element } vaut « { $value } » ; attendu : { $expected }.
package-missing-file = Le fichier { $href } est référencé mais absent du zip.
package-unsafe-href = L'adresse { $href } sort du paquet.
package-remote-url-required = Sans zip, chaque AU doit avoir une adresse complète (https://…) ; { $href } est relative.
package-duplicate-identifier = L'identifiant { $id } est utilisé deux fois.
package-unknown-identifier-ref = Rien ne porte l'identifiant { $id }.
package-no-organization = Le manifeste n'a pas d'organisation (sommaire).
package-no-launchable = Rien dans le paquet ne peut être lancé.
package-back-to-item = Réglages de l'élément
package-current-badge = celle des apprenants
package-title = Titre dans le paquet
## Entrepôt d'enregistrements d'apprentissage xAPI (issue 21)
xapi-admin-title = Entrepôt d'apprentissage (xAPI)
xapi-admin-card = Les clients qui envoient des déclarations xAPI à l'entrepôt d'enregistrements de ce site : jeux, simulations, autres plateformes.
xapi-admin-lead = Chaque client reçoit une clé et un secret pour appeler l'entrepôt. Donnez au client l'adresse ci-dessous, sa clé et son secret ; ne choisissez que les portées dont il a besoin.
xapi-endpoint = Adresse de l'entrepôt d'apprentissage
xapi-admin-caption = Les clients de l'entrepôt d'apprentissage du site
xapi-field-name = Nom
xapi-field-name-help = Qui ou quoi utilisera ces identifiants, par exemple « Jeu sécurité incendie ».
xapi-key = Clé
xapi-field-scopes = Portées
xapi-field-scopes-help = Ce que le client peut faire des enregistrements de ce site.
xapi-client-on = Actif
xapi-client-off = Désactivé
xapi-turn-off = Désactiver
xapi-turn-on = Activer
xapi-delete = Supprimer
xapi-admin-none = Aucun client pour l'instant.
xapi-admin-add = Ajouter un client
xapi-create = Créer le client
xapi-secret = Secret
xapi-secret-once = Copiez le secret maintenant : il n'est affiché qu'une fois. S'il est perdu, supprimez le client et créez-en un autre.
xapi-secret-how = Le client envoie la clé et le secret en authentification HTTP Basic, avec l'en-tête X-Experience-API-Version: 1.0.3.
xapi-done = Terminé
xapi-scope-statements-write = enregistrer des déclarations
xapi-scope-statements-read = lire toutes les déclarations du site
xapi-scope-statements-read-mine = lire les déclarations qu'il a enregistrées
xapi-scope-state = lire et écrire les documents d'état
xapi-scope-define = lire les définitions d'activités
xapi-scope-profile = lire et écrire les profils d'activité et d'agent
xapi-scope-all-read = tout lire
xapi-scope-all = tout
flash-xapi-client-enabled = Le client a été activé.
flash-xapi-client-disabled = Le client a été désactivé : ses requêtes sont refusées.
flash-xapi-client-deleted = Le client a été supprimé. Les déclarations qu'il a enregistrées sont conservées.
audit-action-xapi-client_created = Client de l'entrepôt d'apprentissage créé
audit-action-xapi-client_deleted = Client de l'entrepôt d'apprentissage supprimé
audit-action-xapi-client_disabled = Client de l'entrepôt d'apprentissage désactivé
audit-action-xapi-client_enabled = Client de l'entrepôt d'apprentissage activé
audit-kind-xapi = Entrepôt d'apprentissage (xAPI)
err-xapi_statement_invalid = Cette déclaration ne suit pas xAPI 1.0.3 et n'a pas été enregistrée.
