package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"lifeboat/app/present"
	"lifeboat/store"
)

// passphrase reads the passphrase from LIFEBOAT_PASSPHRASE or asks for it:
// without echo on a terminal, as one line otherwise. Never from argv.
func (c *cli) passphrase(prompt string) (string, error) {
	if p := c.getenv("LIFEBOAT_PASSPHRASE"); p != "" {
		return p, nil
	}
	if c.passphraseFile != "" {
		b, err := store.ReadKeyFile(c.passphraseFile, "the passphrase file")
		if err != nil {
			return "", err
		}
		defer clear(b)
		p := strings.TrimRight(string(b), "\r\n")
		if p == "" {
			return "", usagef("the passphrase file is empty")
		}
		return p, nil
	}
	fmt.Fprint(c.stderr, prompt)
	defer fmt.Fprintln(c.stderr)
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		if err != nil {
			return "", fmt.Errorf("reading the passphrase: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("no passphrase: set LIFEBOAT_PASSPHRASE or type it when asked")
	}
	_ = err // a last line without newline is still a passphrase
	return line, nil
}

// newPassphrase asks twice on a terminal, once from the environment.
func (c *cli) newPassphrase() (string, error) {
	if p := c.getenv("LIFEBOAT_PASSPHRASE"); p != "" {
		return p, nil
	}
	p, err := c.passphrase("New ward passphrase: ")
	if err != nil {
		return "", err
	}
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		again, err := c.passphrase("Again: ")
		if err != nil {
			return "", err
		}
		if again != p {
			return "", usagef("the two passphrases differ; nothing was created")
		}
	}
	return p, nil
}

// unlock opens the vault's keys with the passphrase, and says on stderr
// when config.json no longer matches them.
func (c *cli) unlock(dir string) (*store.Keys, error) {
	if err := store.HasKeys(dir); err != nil {
		return nil, err
	}
	p, err := c.passphrase("Ward passphrase: ")
	if err != nil {
		return nil, err
	}
	keys, err := store.Unlock(dir, p)
	if errors.Is(err, store.ErrWrongPassphrase) {
		c.auditFailedUnlock(dir)
	}
	if err == nil && keys.ConfigProblem != "" {
		fmt.Fprintln(c.stderr, "Warning: "+keys.ConfigProblem+"; the sealed keys are used. Call IT.")
	}
	return keys, err
}

// openSnapshot unlocks the vault and opens its newest good snapshot, and
// says on stderr what the banner says of it (rolled back, old, ...), as
// every command that shows patient data does. The caller closes it.
func (c *cli) openSnapshot(ctx context.Context, dir string) (*store.Keys, *store.Snapshot, error) {
	keys, err := c.unlock(dir)
	if err != nil {
		return nil, nil, err
	}
	snap, err := store.Open(ctx, dir, keys)
	if err != nil {
		return nil, nil, err
	}
	if w := present.BannerWarning(snap, c.now()); w != "" {
		fmt.Fprintln(c.stderr, "Warning: "+w)
	}
	return keys, snap, nil
}
