/* Test-only stand-in for bcryptprimitives.dll, which Wine 8 lacks and which
 * Go >= 1.24 programs load at start for ProcessPrng. It forwards to
 * RtlGenRandom (advapi32!SystemFunction036), which Wine has. Built by the
 * winsmoke test with x86_64-w64-mingw32-gcc -shared; never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len); /* RtlGenRandom */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
