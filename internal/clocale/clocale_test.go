package clocale

import "testing"

func TestTheCLocaleReadsAsEnglishAndOthersAreLeftAlone(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string // LANGUAGE afterwards
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LANG": "C"}, "en"},
		{map[string]string{"LC_ALL": "POSIX", "LANG": "nl_BE.UTF-8"}, "en"},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "C"}, "en"},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr_BE:nl"}, "fr_BE:nl"},
		{map[string]string{"LANG": "nl_BE.UTF-8"}, ""},
		{map[string]string{"LC_ALL": "fr_BE.UTF-8", "LANG": "C.UTF-8"}, ""},
		{map[string]string{}, ""},
	}
	for _, c := range cases {
		env := map[string]string{}
		for k, v := range c.env {
			env[k] = v
		}
		Apply(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
		if env["LANGUAGE"] != c.want {
			t.Errorf("%v: LANGUAGE=%q, want %q", c.env, env["LANGUAGE"], c.want)
		}
	}
}
