"""People: accounts and sign-in, joining (applications and invitations), sanctions and mutes."""
