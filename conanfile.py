"""Conan 2 recipe for cfimages (header-only).

    conan create . -o "cfimages/*:beast=True" -o "cfimages/*:curl=True"

Consumers: find_package(cfimages [COMPONENTS beast curl]) with CMakeDeps,
targets cfimages::cfimages, cfimages::beast, cfimages::curl; pkg-config
names cfimages, cfimages-beast, cfimages-curl with PkgConfigDeps. The
options pull in the transports' dependencies (OpenSSL, libcurl); the
headers are the same either way. The version is read from
include/cfimages/version.hpp, so it cannot disagree with the sources.
"""
import os
import re

from conan import ConanFile
from conan.tools.files import copy, load
from conan.tools.layout import basic_layout

required_conan_version = ">=2.0"


class CfimagesConan(ConanFile):
    name = "cfimages"
    description = "Header-only, sans-IO C++17 codec for the Cloudflare Images API"
    license = "BSL-1.0"
    homepage = "https://developers.cloudflare.com/api/resources/images/"
    topics = ("cloudflare", "images", "http", "sans-io", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"beast": [True, False], "curl": [True, False]}
    default_options = {"beast": False, "curl": False}
    exports_sources = "include/*", "adapters/*/include/*", "LICENSE"
    no_copy_source = True

    def set_version(self):
        text = load(self, os.path.join(self.recipe_folder, "include", "cfimages", "version.hpp"))
        self.version = re.search(r'#define CFIMAGES_VERSION_STRING "([^"]+)"', text).group(1)

    def layout(self):
        basic_layout(self, src_folder=".")

    def requirements(self):
        self.requires("boost/[>=1.81 <2]", transitive_headers=True)
        if self.options.beast:
            self.requires("openssl/[>=1.1 <4]")
        if self.options.curl:
            self.requires("libcurl/[>=7.77 <9]")

    def package_id(self):
        self.info.clear()

    def package(self):
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))
        include = os.path.join(self.package_folder, "include")
        copy(self, "*.hpp", os.path.join(self.source_folder, "include"), include)
        copy(self, "*.ipp", os.path.join(self.source_folder, "include"), include)  # impl/: definitions
        for adapter in ("beast", "curl"):
            copy(self, "*.hpp", os.path.join(self.source_folder, "adapters", adapter, "include"), include)
            copy(self, "*.ipp", os.path.join(self.source_folder, "adapters", adapter, "include"), include)

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "cfimages")
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []

        codec = self.cpp_info.components["codec"]
        codec.set_property("cmake_target_name", "cfimages::cfimages")
        codec.set_property("pkg_config_name", "cfimages")
        codec.requires = ["boost::json"]
        codec.bindirs = []
        codec.libdirs = []

        if self.options.beast:
            beast = self.cpp_info.components["beast"]
            beast.set_property("cmake_target_name", "cfimages::beast")
            beast.set_property("pkg_config_name", "cfimages-beast")
            beast.requires = ["codec", "boost::headers", "openssl::ssl", "openssl::crypto"]
            if self.settings.os in ("Linux", "FreeBSD"):
                beast.system_libs = ["pthread"]
            beast.bindirs = []
            beast.libdirs = []
        if self.options.curl:
            curl = self.cpp_info.components["curl"]
            curl.set_property("cmake_target_name", "cfimages::curl")
            curl.set_property("pkg_config_name", "cfimages-curl")
            curl.requires = ["codec", "libcurl::libcurl"]
            curl.bindirs = []
            curl.libdirs = []
