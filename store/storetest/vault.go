package storetest

import (
	"testing"

	"lifeboat/store"
)

// Passphrase is the ward passphrase of every vault NewVault makes.
const Passphrase = "ward 4B passphrase"

// Vault is a data folder initialised and unlocked for a test.
type Vault struct {
	Dir  string
	Keys *store.Keys
	// Recovery is the IT recovery identity Init generated (AGE-SECRET-KEY-…).
	Recovery string
}

// NewVault initialises a vault in a new temporary folder with Passphrase,
// quickly (scrypt work factor 2^10; production uses 2^18), and unlocks it.
func NewVault(t testing.TB) Vault {
	t.Helper()
	v, err := InitVault(t.TempDir(), 10)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// InitVault initialises a vault in dir with Passphrase and the scrypt
// work factor given, and unlocks it: for benchmarks, which measure
// unlocking at the production work factor.
func InitVault(dir string, workFactor int) (Vault, error) {
	res, err := store.Init(dir, Passphrase, store.InitOptions{WorkFactor: workFactor})
	if err != nil {
		return Vault{}, err
	}
	keys, err := store.Unlock(dir, Passphrase)
	if err != nil {
		return Vault{}, err
	}
	return Vault{Dir: dir, Keys: keys, Recovery: res.RecoveryIdentity}, nil
}
