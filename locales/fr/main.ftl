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
footer-powered = Propulsé par Amphi
back-home = Retour à l'accueil
save = Enregistrer
search = Rechercher
actions = Actions
load-more = Afficher plus
form-has-errors = Veuillez corriger les points suivants :

welcome-title = Bienvenue sur { $site }
welcome-lead = Des cours en ligne pour tous : apprenez à votre rythme, avec les autres.
dashboard-title = Mes cours
dashboard-hello = Bonjour, { $name }
dashboard-my-courses = Mes cours
dashboard-no-courses = Vous n'êtes inscrit à aucun cours pour le moment.

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
field-footer = Texte du pied de page
password-help = Au moins 10 caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.
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
error-request-id = Si le problème persiste, communiquez cette référence au support : { $id }

flash-email-verified = Votre adresse e-mail est confirmée. Vous pouvez maintenant vous connecter.
flash-password-changed = Votre mot de passe a été changé. Les autres navigateurs ont été déconnectés.
flash-password-reset = Votre mot de passe a été changé. Connectez-vous avec le nouveau.
flash-profile-saved = Votre profil a été enregistré.
flash-setup-done = Votre compte administrateur est prêt.
flash-signed-out = Vous êtes déconnecté.
flash-signed-out-everywhere = Vous avez été déconnecté de tous les navigateurs.
flash-site-saved = Les paramètres du site ont été enregistrés.
flash-tenant-created = Le site a été créé.
flash-tenant-saved = Le site a été enregistré.
flash-token-revoked = Le jeton a été révoqué.
flash-user-updated = Le compte a été mis à jour.

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

err-not_found = Cette page ou cet élément n'existe pas, ou vous ne pouvez pas le voir.
err-forbidden = Vous n'êtes pas autorisé à faire cela.
err-unauthenticated = Veuillez vous connecter, ou fournir un jeton d'API valide.
err-invalid_credentials = L'adresse e-mail ou le mot de passe est incorrect.
err-conflict = Cela entre en conflit avec l'état actuel ; rechargez et réessayez.
err-validation = Certains champs ne sont pas valides.
err-bad_request = La requête n'est pas valide.
err-rate_limited = Trop de tentatives. Patientez { $minutes } minute(s) puis réessayez.
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
