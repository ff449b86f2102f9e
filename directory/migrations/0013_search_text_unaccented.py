"""Accents are ignored on both sides of a text search: ``Provider.search_text`` now ends
with its accent-free spelling when that differs (``models.with_unaccented``), and the
query words are matched against either. This rewrites the listings that have an accented
character (a scan of ``search_text`` once, in chunks; the generated tsvector columns
follow by themselves on PostgreSQL). Listings without one are untouched."""

import unicodedata

from django.db import migrations

CHUNK = 2000


def _with_unaccented(text):
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text if plain == text else f"{text} {plain}"


def forwards(apps, schema_editor):
    Provider = apps.get_model("directory", "Provider")
    accented = Provider.objects.filter(search_text__regex=r"[^\x00-\x7f]").only("pk", "search_text")
    batch = []
    for provider in accented.iterator(chunk_size=CHUNK):
        provider.search_text = _with_unaccented(provider.search_text)
        batch.append(provider)
        if len(batch) == CHUNK:
            Provider.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Provider.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0012_provider_name_trigram")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
