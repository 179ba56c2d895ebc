from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password"),
                    Length(min=10, message="Password must be at least 10 characters")],
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[DataRequired("Enter the password again"), EqualTo("password", "Passwords must match")],
    )
