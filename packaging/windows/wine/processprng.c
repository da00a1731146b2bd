/*
 * bcryptprimitives.dll for the Wine prefix of Lifeboat's tests only.
 *
 * Go's Windows runtime takes its random numbers from ProcessPrng in
 * bcryptprimitives.dll, which every Windows 10 and 11 has; Debian 12's
 * Wine 8.0 has neither, and Go programs stop at start ("bcryptprimitives.dll
 * not found"). This DLL gives Wine the one function, from BCryptGenRandom
 * (the system's generator, which Wine has). It is never shipped:
 * packaging/windows/check.sh builds it with mingw-w64 and puts it in the
 * test prefix's system32.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
