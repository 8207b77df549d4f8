// Port Range Lens example: IP_LOCAL_PORT_RANGE in C++, right and wrong.
// `port-range-lens check examples/` reports every mistake below; Connector::limit() is clean.
// `// expect:` comments list the diagnostic codes of the call on the next line
// ("none" = a correct call).
#include <array>
#include <bit>
#include <cstdint>
#include <netinet/in.h>
#include <sys/socket.h>

#ifndef IP_LOCAL_PORT_RANGE
#define IP_LOCAL_PORT_RANGE 51  // <linux/in.h> since 6.3, glibc >= 2.38
#endif

namespace ports {
constexpr std::uint16_t kLo = 40000;
constexpr std::uint16_t kHi = 40511;
}  // namespace ports

// optlen follows the argument's type: sizeof(T).
template <class T>
int set_opt(int fd, int level, int name, const T& v) {
    return ::setsockopt(fd, level, name, &v, sizeof(T));
}

class Connector {
public:
    explicit Connector(int fd) : fd_(fd) {}
    // Correct: (hi << 16) | lo as a 32-bit unsigned value, 4 bytes, at SOL_IP.
    int limit() const {
        const auto range = static_cast<std::uint32_t>(ports::kHi) << 16 | ports::kLo;
        // expect: none
        return ::setsockopt(fd_, SOL_IP, IP_LOCAL_PORT_RANGE, &range, sizeof range);
    }
private:
    int fd_;
};

void mistakes(int fd) {
    // expect: bad-optlen
    set_opt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, std::uint64_t{(40511u << 16) | 40000u});
    std::array<std::uint16_t, 2> halves{40511, 40000};
    const auto swapped = std::bit_cast<std::uint32_t>(halves);
    // expect: swapped-halves
    ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &swapped, sizeof swapped);
    int range = (60999 << 16) | 60000;
    // expect: signed-shift-overflow
    ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &range, sizeof range);
    const std::uint32_t be = htonl((40511u << 16) | 40000u);
    // expect: network-byte-order
    ::setsockopt(fd, IPPROTO_IP, IP_LOCAL_PORT_RANGE, &be, sizeof be);
    auto apply = [fd](std::uint16_t lo, std::uint16_t hi) {
        const std::uint32_t r = static_cast<std::uint32_t>(hi) << 16 | lo;
        return ::setsockopt(fd, SOL_IP, IP_LOCAL_PORT_RANGE, &r, sizeof r);
    };
    // expect: empty-range
    apply(40511, 40000);
}
