from django import forms

from comments.models import Comment


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["name", "email", "website", "text"]
        labels = {"name": "Name", "email": "Email", "website": "Website", "text": "Comment"}
        help_texts = {"email": "Your email address will not be published."}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "website": forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
            "text": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "name": {"required": "Please enter your name."},
            "email": {
                "required": "Please enter your email address.",
                "invalid": "Please enter a valid email address, like name@example.org.",
            },
            "website": {"invalid": "Please enter a full web address, like https://example.org."},
            "text": {"required": "Please write your comment."},
        }

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Please write your comment.", code="required")
        return text
