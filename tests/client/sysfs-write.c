// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs-write FILE BYTES: write BYTES to FILE in one write(2) and print
 * "ok N" (bytes accepted) or "error ENAME". BYTES takes C escapes: \n, \t,
 * \\, \0 and \xHH, so that embedded NULs and non-UTF-8 reach the kernel
 * as they are. "@N:C" writes N copies of the character C.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		if (*in != '\\') {
			out[n++] = *in++;
			continue;
		}
		in++;
		switch (*in) {
		case 'n':
			out[n++] = '\n';
			in++;
			break;
		case 't':
			out[n++] = '\t';
			in++;
			break;
		case '0':
			out[n++] = '\0';
			in++;
			break;
		case 'x': {
			char hex[3] = { in[1], in[1] ? in[2] : 0, 0 };

			out[n++] = (char)strtoul(hex, NULL, 16);
			in += 1 + strlen(hex);
			break;
		}
		case '\0':
			out[n++] = '\\';
			break;
		default:
			out[n++] = *in++;
			break;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	size_t len;
	ssize_t ret;
	char *buf;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: sysfs-write FILE BYTES\n");
		return 2;
	}
	if (argv[2][0] == '@') {
		char c = 'a', *colon = strchr(argv[2], ':');

		len = strtoul(argv[2] + 1, NULL, 10);
		if (colon && colon[1])
			c = colon[1];
		buf = malloc(len + 1);
		if (!buf)
			return 2;
		memset(buf, c, len);
	} else {
		buf = malloc(strlen(argv[2]) + 1);
		if (!buf)
			return 2;
		len = unescape(argv[2], buf);
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		printf("error %s\n", strerrorname_np(errno));
		return 1;
	}
	ret = write(fd, buf, len);
	if (ret < 0)
		printf("error %s\n", strerrorname_np(errno));
	else
		printf("ok %zd\n", ret);
	close(fd);
	free(buf);
	return ret < 0;
}
