from django import forms
from django.conf import settings

from marketing_ops import tabular


class UploadForm(forms.Form):
    dataset = forms.ChoiceField(label="Dataset")
    file = forms.FileField(
        label="File", help_text="CSV (UTF-8, header row) or XLSX (first sheet, header in row 1)."
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.name, d.label) for d in tabular.datasets_for(user)]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Size is checked from the request's metadata before a byte is parsed.
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; the limit is {settings.UPLOAD_MAX_BYTES:,}."
            )
        return upload
