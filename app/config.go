package app

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"lifeboat/store"
)

// lifeboat.toml: the settings of the long-running roles (the window, the
// kiosk's subscription to its hub, the hub), so that a service's command
// line stays short and IT configures Lifeboat as it configures the rest.
// A section configures its commands' flags of the same names (hub_ca is
// --hub-ca); flags given on the command line override it. Secrets are
// never in it: it names the files that hold them (passphrase_file,
// bearer_file, smart_key).

// configKey is one key of lifeboat.toml.
type configKey struct {
	section, key, doc string
}

// configKeys are every key lifeboat.toml may hold (docs/install.md
// documents them from here: TestConfigKeysAreDocumented).
var configKeys = []configKey{
	{"kiosk", "data", "the kiosk's data folder"},
	{"kiosk", "passphrase_file", "a file holding the ward passphrase, for the sync service (mode 0600)"},
	{"kiosk", "hub", "the hub's address (or a folder carrying its publication) for snapshot --hub"},
	{"kiosk", "hub_ca", "a PEM bundle of the CAs that sign an https:// hub's certificate"},
	{"kiosk", "every", "how often snapshot --hub fetches and hands in, such as \"15s\""},
	{"kiosk", "timeout", "how long snapshot --hub waits for the hub"},
	{"kiosk", "lang", "the window's language: en, nl or fr"},
	{"kiosk", "amber", "data age that turns the banner and status amber, such as \"15m\""},
	{"kiosk", "red", "data age that turns them red, such as \"60m\""},
	{"hub", "data", "the hub's data folder"},
	{"hub", "passphrase_file", "a file holding the hub passphrase, for the hub's service (mode 0600)"},
	{"hub", "fhir", "the EHR's FHIR base URL"},
	{"hub", "listen", "the address the hub's listener takes, such as \":8443\""},
	{"hub", "every", "how often the hub pulls and publishes, such as \"30s\""},
	{"hub", "publish", "the publication folder (default: the data folder's publish)"},
	{"hub", "tls_cert", "the listener's certificate (PEM)"},
	{"hub", "tls_key", "the listener's private key (PEM, mode 0600)"},
	{"hub", "ehr_down_after", "how long pulls must fail before kiosks are told the EHR is down"},
	{"hub", "full_every", "a full pull at least this often"},
	{"hub", "timeout", "how long to wait for the EHR's answers"},
	{"hub", "ca_file", "a PEM bundle of the CAs that sign the EHR's certificate"},
	{"hub", "bearer_file", "a file holding a bearer token for the EHR"},
	{"hub", "smart_client_id", "the SMART Backend Services client id"},
	{"hub", "smart_key", "the SMART Backend Services private key file"},
	{"hub", "token_url", "the SMART token endpoint"},
	{"hub", "smart_kid", "the kid of the SMART key"},
	{"hub", "scope", "the SMART scopes asked for"},
}

// configured are the commands a section configures.
var configured = map[string][]string{
	"kiosk": {"kiosk", "snapshot", "status", "handin"},
	"hub":   {"hub run", "hub status", "hub enrol-code", "hub ward add", "hub ward remove", "hub revoke"},
}

// config is lifeboat.toml, read: each section's keys and their values as
// flag values.
type config struct {
	path     string
	raw      []byte
	sections map[string]map[string]string
}

// ErrConfig marks what is wrong with lifeboat.toml (exit 2).
var ErrConfig = errors.New("the configuration file")

// defaultConfigPath is where the system's lifeboat.toml is.
func defaultConfigPath(getenv func(string) string) string {
	if runtime.GOOS == "windows" {
		return filepath.Join(getenv("ProgramData"), "Lifeboat", "lifeboat.toml")
	}
	return "/etc/lifeboat/lifeboat.toml"
}

// configFlag takes --config FILE (or --config=FILE) out of args,
// wherever it is.
func configFlag(args []string) (path string, given bool, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--config" || a == "-config":
			if i+1 >= len(args) {
				return "", false, nil, usagef("--config needs a file")
			}
			path, given = args[i+1], true
			i++
		case strings.HasPrefix(a, "--config=") || strings.HasPrefix(a, "-config="):
			_, path, _ = strings.Cut(a, "=")
			given = true
		case a == "--":
			return path, given, append(rest, args[i:]...), nil
		default:
			rest = append(rest, a)
		}
	}
	return path, given, rest, nil
}

// loadConfig reads the configuration for cmd: --config FILE if given,
// else LIFEBOAT_CONFIG ("none" for none), else the system's file if
// there is one. A file named that is missing is an error; the system's
// missing is no configuration.
func (c *cli) loadConfig(path string, given bool) (*config, error) {
	if !given {
		switch env := c.getenv("LIFEBOAT_CONFIG"); env {
		case "none":
			return nil, nil
		case "":
			path = defaultConfigPath(c.getenv)
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				return nil, nil
			}
		default:
			path = env
		}
	}
	b, err := store.ReadRegular(path, "the configuration file", 1<<20)
	if err != nil {
		return nil, err
	}
	return parseConfig(path, b)
}

// parseConfig checks lifeboat.toml: TOML, only known sections and keys,
// each a string, a number or true/false. Errors name the line.
func parseConfig(path string, b []byte) (*config, error) {
	var raw map[string]any
	if _, err := toml.Decode(string(b), &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%w %s, line %d: %s", ErrConfig, path, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrConfig, path, err)
	}
	cfg := &config{path: path, raw: b, sections: map[string]map[string]string{}}
	for section, v := range raw {
		keys, ok := v.(map[string]any)
		if _, known := configured[section]; !ok || !known {
			return nil, fmt.Errorf("%w %s, line %d: there is no section [%s] (the sections are [kiosk] and [hub])", ErrConfig, path, lineOf(b, "", section), section)
		}
		cfg.sections[section] = map[string]string{}
		for key, value := range keys {
			if !slices.ContainsFunc(configKeys, func(k configKey) bool { return k.section == section && k.key == key }) {
				return nil, fmt.Errorf("%w %s, line %d: [%s] has no key %q (docs/install.md lists them)", ErrConfig, path, lineOf(b, section, key), section, key)
			}
			switch value.(type) {
			case string, int64, bool:
				cfg.sections[section][key] = fmt.Sprint(value)
			default:
				return nil, fmt.Errorf("%w %s, line %d: %s is a string, a number or true/false", ErrConfig, path, lineOf(b, section, key), key)
			}
		}
	}
	return cfg, nil
}

var tableHeader = regexp.MustCompile(`^\s*\[\s*([A-Za-z0-9_-]+)\s*\]`)

// lineOf is the line of key in section (or of the section's header, for
// key ""), 0 when it cannot be told.
func lineOf(b []byte, section, key string) int {
	sc := bufio.NewScanner(bytes.NewReader(b))
	current, n := "", 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if m := tableHeader.FindStringSubmatch(line); m != nil {
			current = m[1]
			if section == "" && current == key {
				return n
			}
			continue
		}
		k, _, ok := strings.Cut(line, "=")
		if ok && current == section && strings.Trim(strings.TrimSpace(k), `"'`) == key {
			return n
		}
	}
	return 0
}

// apply sets the flags of cmd its section configures, before the command
// line is parsed (which overrides them); the passphrase file is kept for
// the passphrase's asking.
func (cfg *config) apply(c *cli, cmd string, f *flags) error {
	for section, cmds := range configured {
		if !slices.Contains(cmds, cmd) {
			continue
		}
		for key, value := range cfg.sections[section] {
			if key == "passphrase_file" {
				c.passphraseFile = value
				continue
			}
			name := strings.ReplaceAll(key, "_", "-")
			if f.Lookup(name) == nil {
				continue // a key of another command of the section
			}
			if err := f.Set(name, value); err != nil {
				return fmt.Errorf("%w %s, line %d: %s = %q is not a value it takes", ErrConfig, cfg.path, lineOf(cfg.raw, section, key), key, value)
			}
		}
	}
	return nil
}

// configure sets f's flags from lifeboat.toml when its command is one the
// file configures (read once); --config with another command is refused.
func (c *cli) configure(f *flags) error {
	wanted := false
	for _, cmds := range configured {
		wanted = wanted || slices.Contains(cmds, f.cmd)
	}
	if !wanted {
		if c.configGiven {
			return usagef("--config is for the commands lifeboat.toml configures: kiosk, snapshot, status, handin and hub's")
		}
		return nil
	}
	if !c.configRead {
		cfg, err := c.loadConfig(c.configPath, c.configGiven)
		if err != nil {
			return err
		}
		c.config, c.configRead = cfg, true
	}
	if c.config == nil {
		return nil
	}
	return c.config.apply(c, f.cmd, f)
}
