from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from people import accounts, errorpages
        from people.context_processors import roles
        from people.middleware import PreferencesMiddleware
        from referral_hub import extensions

        # Every page knows the reader's roles (the navigation shows items by role).
        extensions.register_context_processor("people.roles", roles)
        # Language (?lang=, account, cookie, Accept-Language) and time zone (account,
        # browser); then bare error responses (require_POST's empty 405, ...) on page
        # routes become the app's error pages, in the language just activated.
        extensions.register_middleware("people.preferences", PreferencesMiddleware)
        extensions.register_middleware("people.error_pages", errorpages.ErrorPageMiddleware)
        # Error pages in the app's layout and the reader's language (JSON under the API).
        extensions.register_error_view("400", errorpages.bad_request)
        extensions.register_error_view("403", errorpages.permission_denied)
        extensions.register_error_view("404", errorpages.page_not_found)
        extensions.register_error_view("500", errorpages.server_error)
        extensions.register_error_view("csrf", errorpages.csrf_failure)
        extensions.register_error_view("lockout", accounts.lockout_response)
        # The language switcher's choice is the signed-in person's account language too.
        extensions.register_language_listener("people.account_language", accounts.save_chosen_language)
        # base.html's account area and the error pages' sign-in link.
        extensions.register_slot_template("account", "people.account", template="people/_account.html")
        extensions.register_slot_template(
            "error-links", "people.sign_in", template="people/_error_links.html"
        )
        # Every page sets a signed-in account's missing time zone from the browser.
        extensions.register_slot_template("scripts", "people.time_zone", template="people/_scripts.html")
