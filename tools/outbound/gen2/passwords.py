"""Passwords as people choose them (what a stolen credential looks like) and as
administrators hand them out."""

WORDS = ["sakura", "hikari", "tiger", "dragon", "sunshine", "monkey", "soccer", "pokemon",
         "naruto", "baseball", "flower", "summer", "honey", "lucky", "happy", "kitty", "yamato",
         "shadow", "master", "coffee", "orange", "michael", "anna", "berlin", "paris", "madrid"]
SYMBOLS = "!#$%&*?@+-_.=/"


def user_password(rng, name=""):
    """A password a user chose: words with numbers, names with years, keyboard walks,
    generated strings from password managers, and plain words."""
    r = rng.random()
    word = rng.choice(WORDS)
    if r < 0.22:
        return word + str(rng.randrange(1, 10000))
    if r < 0.36:
        return word.capitalize() + str(rng.randrange(1950, 2027)) + rng.choice(["", "!", "#", "?"])
    if r < 0.46:
        base = (name or word).lower()
        return base + rng.choice(["0", "01", "123", "2024", "_" + str(rng.randrange(10, 99))])
    if r < 0.54:
        return rng.choice(["qwerty", "asdfgh", "1qaz2wsx", "zxcvbn", "qazwsx"]) + str(rng.randrange(10, 999))
    if r < 0.74:
        alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        n = rng.randrange(10, 17)
        s = "".join(rng.choice(alphabet) for _ in range(n))
        if rng.random() < 0.5:
            i = rng.randrange(n)
            s = s[:i] + rng.choice(SYMBOLS) + s[i + 1:]
        return s
    if r < 0.84:
        return word + rng.choice(SYMBOLS) + word[::-1][:3] + str(rng.randrange(10))
    if r < 0.92:
        return "%02d%02d%04d" % (rng.randrange(1, 32), rng.randrange(1, 13), rng.randrange(1950, 2010))
    return word + rng.choice(WORDS)


def temporary_password(rng):
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    s = "".join(rng.choice(alphabet) for _ in range(rng.randrange(8, 13)))
    return s[:4] + rng.choice("!#%+-") + s[4:]
