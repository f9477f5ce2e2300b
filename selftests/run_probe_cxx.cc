// SPDX-License-Identifier: GPL-2.0
/*
 * run_probe_cxx.cc - C++ new and delete under `vmarena run` (run_test.sh):
 * prints how many of the blocks new made lie in a /dev/vmarena mapping.
 */
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

struct alignas(256) wide {
	char c[256];
};

static bool in_space(const void *p)
{
	char line[512];
	FILE *f = std::fopen("/proc/self/maps", "r");
	bool in = false;

	while (f && std::fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (std::strstr(line, "/dev/vmarena") &&
		    std::sscanf(line, "%lx-%lx", &lo, &hi) == 2 &&
		    (uintptr_t)p >= lo && (uintptr_t)p < hi)
			in = true;
	}
	if (f)
		std::fclose(f);
	return in;
}

int main()
{
	auto *one = new int(7);
	auto *many = new long[100000];
	auto *aligned = new wide;
	std::vector<std::string> v(1000, std::string(100, 'x'));
	auto shared = std::make_shared<std::string>(5000, 'y');
	const void *p[] = { one, many, aligned, v.data(), v[999].data(), shared->data() };
	int in = 0;

	for (const void *q : p)
		in += in_space(q);
	std::printf("%d of %zu blocks in /dev/vmarena\n", in, sizeof(p) / sizeof(p[0]));
	delete one;
	delete[] many;
	delete aligned;
	return 0;
}
