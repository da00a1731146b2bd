package store

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"

	"lifeboat/internal/durable"
)

// Errors callers branch on; each message is a sentence a user can act on.
var (
	ErrNotInitialised     = errors.New("this data folder has no Lifeboat keys: run lifeboat init first")
	ErrAlreadyInitialised = errors.New("this data folder already has Lifeboat keys; nothing was changed")
	ErrWrongPassphrase    = errors.New("wrong passphrase")
	ErrWeakPassphrase     = errors.New("the passphrase must have at least 8 characters")
	ErrKeysAltered        = errors.New("config.json does not match the sealed keys: it was altered or belongs to another kiosk")
)

const (
	configFile  = "config.json"
	keyringFile = "keyring.age"
	// DefaultKeep is how many snapshot generations are kept.
	DefaultKeep = 5
	// DefaultWorkFactor is the scrypt work factor (2^18) sealing the keys
	// under the passphrase, age's own default: about a second to unlock.
	DefaultWorkFactor = 18
	minPassphrase     = 8
)

// Config is the vault's public configuration, config.json. It holds no
// secret and no patient data.
type Config struct {
	Format    int       `json:"format"`
	KioskID   string    `json:"kioskId"`
	Recipient string    `json:"recipient"`          // this kiosk's age recipient
	Recovery  string    `json:"recovery,omitempty"` // the IT recovery recipient
	Signer    string    `json:"signer"`             // trusted Ed25519 public key, base64
	Keep      int       `json:"keep"`               // snapshot generations kept
	Created   time.Time `json:"created"`
}

// Keys are the vault's secrets once unlocked with the passphrase. Their
// Config comes from the sealed keyring, not from config.json, so that
// whoever can write the disk can swap neither the trusted signer nor the
// recipients nor the number of generations kept.
type Keys struct {
	Config Config
	// ConfigProblem says how config.json differs from the sealed keys, or
	// is "". Reading goes on (nurses need the records); sealing refuses.
	ConfigProblem string
	identity      age.Identity
	signing       ed25519.PrivateKey
	trusted       ed25519.PublicKey
	recoveryMAC   []byte          // set when opened with IT's recovery identity: authenticates its journal entries
	hub           *signer         // the hub pinned at enrolment (hub.pin), whose generations open too
	sealTo        []age.Recipient // set by SealingTo: who generations are encrypted to instead
	sealToText    []string
}

// keyring is the plaintext of keyring.age, which exists only in memory.
// It holds the whole configuration too: what is sealed under the
// passphrase is what counts, and config.json is its public copy.
type keyring struct {
	Config     Config `json:"config"`
	Identity   string `json:"identity"`
	SigningKey []byte `json:"signingKey"` // Ed25519 seed
}

// InitOptions tune Init. The zero value is the production default.
type InitOptions struct {
	// Recovery is the IT recovery age recipient. Empty: a new recovery
	// identity is generated and returned once, to be stored offline.
	Recovery string
	// WorkFactor is the scrypt work factor (log2); 0 means DefaultWorkFactor.
	WorkFactor int
	// Keep is the number of generations kept; 0 means DefaultKeep.
	Keep int
	// NoRecovery makes keys without an IT recovery recipient: a hub's,
	// whose publications are encrypted to each kiosk they are for.
	NoRecovery bool
}

// InitResult says what Init created.
type InitResult struct {
	Config Config
	// RecoveryIdentity is set when Init generated the recovery key: the
	// only copy of that secret, for the caller to hand to IT.
	RecoveryIdentity string
	// Classic is true when the keys are X25519, not post-quantum hybrid,
	// because the recovery recipient given was X25519 (age refuses to mix).
	Classic bool
}

// Init creates the vault in dir: the kiosk's age identity and an Ed25519
// signing key, sealed together under the passphrase with age's scrypt
// recipient, and config.json naming the recipients and trusted signer.
// It never overwrites an existing vault.
func Init(dir string, passphrase string, opt InitOptions) (*InitResult, error) {
	if err := CheckPassphrase(passphrase); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, configFile)); err == nil || HasKeys(dir) == nil {
		return nil, ErrAlreadyInitialised
	}
	res := &InitResult{}
	classic := false
	if opt.Recovery != "" {
		r, c, err := ParseRecovery(opt.Recovery)
		if err != nil {
			return nil, err
		}
		opt.Recovery, classic = r, c
	} else if !opt.NoRecovery {
		id, err := age.GenerateHybridIdentity()
		if err != nil {
			return nil, err
		}
		opt.Recovery = id.Recipient().String()
		res.RecoveryIdentity = id.String()
	}
	res.Classic = classic

	var identity, recipient string
	if classic {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, err
		}
		identity, recipient = id.String(), id.Recipient().String()
	} else {
		id, err := age.GenerateHybridIdentity()
		if err != nil {
			return nil, err
		}
		identity, recipient = id.String(), id.Recipient().String()
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	signer := base64.StdEncoding.EncodeToString(pub)
	kioskID := uuid.NewString()
	keep := opt.Keep
	if keep <= 0 {
		keep = DefaultKeep
	}
	res.Config = Config{Format: 1, KioskID: kioskID, Recipient: recipient, Recovery: opt.Recovery,
		Signer: signer, Keep: keep, Created: time.Now().UTC().Truncate(time.Second)}

	plain, err := json.Marshal(keyring{Config: res.Config, Identity: identity, SigningKey: priv.Seed()})
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	sr, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	wf := opt.WorkFactor
	if wf == 0 {
		wf = DefaultWorkFactor
	}
	sr.SetWorkFactor(wf)

	if err := os.MkdirAll(filepath.Join(dir, snapshotDir), 0o700); err != nil {
		return nil, fmt.Errorf("creating the data folder: %w", err)
	}
	// An existing folder keeps its mode under MkdirAll: the kiosk's alone.
	// (The caller warns, through SecureFolder, when this cannot be done.)
	_ = os.Chmod(dir, 0o700)
	err = durable.WriteNew(filepath.Join(dir, keyringFile), 0o600, func(f io.Writer) error {
		w, err := age.Encrypt(f, sr)
		if err != nil {
			return err
		}
		if _, err := w.Write(plain); err != nil {
			return err
		}
		return w.Close()
	})
	if errors.Is(err, durable.ErrExists) {
		return nil, ErrAlreadyInitialised // another init won the race
	}
	if err != nil {
		return nil, err
	}
	cfg, err := json.MarshalIndent(res.Config, "", "  ")
	if err != nil {
		return nil, err
	}
	err = durable.WriteNew(filepath.Join(dir, configFile), 0o600, func(f io.Writer) error {
		_, err := f.Write(append(cfg, '\n'))
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// ParseRecovery checks a recovery recipient and says whether it is
// classic X25519 (age1…) rather than post-quantum hybrid (age1pq1…).
func ParseRecovery(s string) (recipient string, classic bool, err error) {
	r := strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(r, "age1pq1"):
		_, err = age.ParseHybridRecipient(r)
	case strings.HasPrefix(r, "age1"):
		_, err = age.ParseX25519Recipient(r)
		classic = true
	default:
		return "", false, errors.New("the recovery recipient is not an age recipient (age1pq1… or age1…)")
	}
	if err != nil {
		return "", false, fmt.Errorf("the recovery recipient is not a valid age recipient: %w", err)
	}
	return r, classic, nil
}

// LoadConfig reads dir/config.json.
func LoadConfig(dir string) (*Config, error) {
	b, err := ReadRegular(filepath.Join(dir, configFile), vaultLabel(configFile), maxConfigFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotInitialised
	}
	if err != nil {
		return nil, readErr("config.json", err)
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil || c.Format != 1 || c.Recipient == "" || c.Signer == "" {
		return nil, errors.New("config.json is damaged or not a Lifeboat config")
	}
	if c.Keep <= 0 {
		c.Keep = DefaultKeep
	}
	return &c, nil
}

// HasKeys says whether dir holds a kiosk's sealed keys (ErrNotInitialised
// if not), so that a command can say so before asking for a passphrase.
func HasKeys(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, keyringFile)); errors.Is(err, fs.ErrNotExist) {
		return ErrNotInitialised
	} else if err != nil {
		return fmt.Errorf("reading the keyring: %w", err)
	}
	return nil
}

// Unlock opens the sealed keyring with the passphrase. A wrong passphrase
// gives ErrWrongPassphrase and changes nothing.
func Unlock(dir string, passphrase string) (*Keys, error) {
	f, err := OpenRegular(filepath.Join(dir, keyringFile), vaultLabel(keyringFile), maxKeyringFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotInitialised
	}
	if err != nil {
		return nil, readErr("the keyring", err)
	}
	defer f.Close()
	si, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	r, err := age.Decrypt(f, si)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return nil, ErrWrongPassphrase
	}
	if err != nil {
		return nil, fmt.Errorf("the keyring is damaged: %w", err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, 1<<20))
	defer clear(plain)
	if err != nil {
		return nil, fmt.Errorf("the keyring is damaged: %w", err)
	}
	var kr keyring
	if err := json.Unmarshal(plain, &kr); err != nil || len(kr.SigningKey) != ed25519.SeedSize || kr.Config.Keep <= 0 {
		return nil, errors.New("the keyring is damaged")
	}
	ids, err := age.ParseIdentities(strings.NewReader(kr.Identity))
	if err != nil || len(ids) != 1 {
		return nil, errors.New("the keyring is damaged")
	}
	trusted, err := kr.Config.signerKey()
	if err != nil || recipientOf(ids[0]) != kr.Config.Recipient {
		return nil, errors.New("the keyring is damaged")
	}
	keys := &Keys{Config: kr.Config, identity: ids[0], signing: ed25519.NewKeyFromSeed(kr.SigningKey), trusted: trusted}
	if pin, err := readPin(dir, trusted, kr.Config.KioskID); err == nil {
		keys.hub = pin.signer()
	}
	switch cfg, err := LoadConfig(dir); {
	case errors.Is(err, ErrNotRegular), errors.Is(err, ErrTooLarge):
		return nil, err // planted: say so rather than go on
	case err != nil:
		keys.ConfigProblem = "config.json is missing or damaged"
	case !sameConfig(*cfg, kr.Config):
		keys.ConfigProblem = ErrKeysAltered.Error()
	}
	return keys, nil
}

// ErrNotRecoveryKey is a key that is not this vault's IT recovery key.
var ErrNotRecoveryKey = errors.New("that is not this kiosk's IT recovery key")

// ErrCannotSign is sealing or auditing with keys opened by the recovery
// key, which has no signing key.
var ErrCannotSign = errors.New("the IT recovery key cannot sign snapshots or the audit trail: unlock with the ward passphrase")

// UnlockRecovery opens the vault with IT's recovery identity (the
// AGE-SECRET-KEY text) instead of the ward passphrase: the key of the
// reconciliation role, which reads the journal and records decisions but
// does not hold the kiosk's signing key, so it cannot seal snapshots. The
// configuration is config.json's, checked only in that it names this
// recovery recipient: the sealed copy needs the passphrase.
func UnlockRecovery(dir string, identity string) (*Keys, error) {
	cfg, err := LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	ids, err := age.ParseIdentities(strings.NewReader(identity))
	if err != nil || len(ids) != 1 {
		return nil, ErrNotRecoveryKey
	}
	if cfg.Recovery == "" || recipientOf(ids[0]) != cfg.Recovery {
		return nil, ErrNotRecoveryKey
	}
	trusted, err := cfg.signerKey()
	if err != nil {
		return nil, err
	}
	var hub *signer
	if pin, err := readPin(dir, trusted, cfg.KioskID); err == nil {
		hub = pin.signer()
	}
	// The MAC key comes from the identity itself, not the text it was
	// read from, which may carry comments.
	canonical, ok := ids[0].(fmt.Stringer)
	if !ok {
		return nil, ErrNotRecoveryKey
	}
	return &Keys{Config: *cfg, identity: ids[0], trusted: trusted, hub: hub, recoveryMAC: recoveryMACKey(canonical.String())}, nil
}

func sameConfig(a, b Config) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func recipientOf(id age.Identity) string {
	switch id := id.(type) {
	case *age.HybridIdentity:
		return id.Recipient().String()
	case *age.X25519Identity:
		return id.Recipient().String()
	}
	return ""
}

// recipients are who every snapshot is encrypted to: this kiosk and IT.
func (c Config) recipients() ([]age.Recipient, error) {
	all := c.Recipient
	if c.Recovery != "" {
		all += "\n" + c.Recovery
	}
	rs, err := age.ParseRecipients(strings.NewReader(all))
	if err != nil {
		return nil, fmt.Errorf("config.json names an invalid recipient: %w", err)
	}
	return rs, nil
}

// signerKey is config.json's trusted signing key, for checks that run
// without the passphrase (status). Opening uses the keyring's copy.
func (c Config) signerKey() (ed25519.PublicKey, error) {
	k, err := base64.StdEncoding.DecodeString(c.Signer)
	if err != nil || len(k) != ed25519.PublicKeySize {
		return nil, errors.New("config.json names an invalid signing key")
	}
	return k, nil
}

// SignerFingerprint is a short, stable name of the trusted signing key.
func (c Config) SignerFingerprint() string {
	k, err := c.signerKey()
	if err != nil {
		return "invalid"
	}
	return fingerprint(k)
}

func fingerprint(k ed25519.PublicKey) string {
	sum := sha256.Sum256(k)
	return hex.EncodeToString(sum[:8])
}
