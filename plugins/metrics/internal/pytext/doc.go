// Package pytext reproduces the few Python 3 string rules that competition metrics lean on, so a
// Go metric reads text exactly as the Python original did: str.split() with no argument, str.lower()
// (with its final-sigma and dotted-I rules), and the literals int() and float() accept.
//
// Start with Split and Lower; CanonicalInt and ParseFloat read numbers.
package pytext
