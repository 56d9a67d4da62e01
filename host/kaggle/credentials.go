package kaggle

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/mledojo/dojo/core"
)

// Credentials is a Kaggle API token: the user name and key of kaggle.json.
type Credentials struct {
	Username string `json:"username"`
	Key      string `json:"key"`
	// Source says where they were found, for messages (never the key itself).
	Source string `json:"-"`
}

// LoadCredentials finds the token as Kaggle's own client does: KAGGLE_USERNAME and KAGGLE_KEY in
// the environment, else kaggle.json in $KAGGLE_CONFIG_DIR, else ~/.kaggle/kaggle.json. getenv is
// os.Getenv in production (a map lookup in tests).
func LoadCredentials(getenv func(string) string) (Credentials, error) {
	if u, k := getenv("KAGGLE_USERNAME"), getenv("KAGGLE_KEY"); u != "" && k != "" {
		return Credentials{Username: u, Key: k, Source: "KAGGLE_USERNAME and KAGGLE_KEY"}, nil
	}
	var tried []string
	dirs := []string{}
	if d := getenv("KAGGLE_CONFIG_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	if h := getenv("HOME"); h != "" {
		dirs = append(dirs, filepath.Join(h, ".kaggle"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "kaggle.json")
		tried = append(tried, p)
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return Credentials{}, problem(core.TypeConfig, ErrNoCredentials, "cannot read %s: %v", p, err)
		}
		var c Credentials
		if err := json.Unmarshal(b, &c); err != nil || c.Username == "" || c.Key == "" {
			return Credentials{}, problem(core.TypeConfig, ErrNoCredentials, "%s is not a Kaggle API token (want {\"username\": ..., \"key\": ...})", p).
				WithCauses("download a fresh token from https://www.kaggle.com/settings (API, Create New Token)")
		}
		c.Source = p
		return c, nil
	}
	return Credentials{}, problem(core.TypeConfig, ErrNoCredentials, "no Kaggle API credentials: KAGGLE_USERNAME/KAGGLE_KEY are not set and there is no %s", strings.Join(tried, " or ")).
		WithCauses("create a token at https://www.kaggle.com/settings (API, Create New Token) and save it as ~/.kaggle/kaggle.json (chmod 600)",
			"or set KAGGLE_USERNAME and KAGGLE_KEY",
			"or download the files by hand and run `dojo prepare ID --raw DIR`")
}

func problem(t core.ErrorType, kind error, format string, args ...any) *core.Error {
	e := core.Errorf(t, format, args...)
	if e.Err != nil {
		e.Err = errors.Join(kind, e.Err)
	} else {
		e.Err = kind
	}
	return e
}
